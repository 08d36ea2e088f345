using Quill.EndToEnd.Tests.Harness;

namespace Quill.EndToEnd.Tests.Reliability;

/// <summary>Everything one soak run leaves behind for its figures.</summary>
/// <param name="QuillBuild">Which quill ran (the test build or the executable QUILL_EXECUTABLE named).</param>
/// <param name="Samples">quill's resources, once a second while the load ran.</param>
/// <param name="IdleBefore">quill before the load, with no connection open.</param>
/// <param name="IdleAfter">quill after the load, once its connections were closed.</param>
/// <param name="DescriptorsBefore">quill's descriptors by kind before the load.</param>
/// <param name="DescriptorsAfter">quill's descriptors by kind after the load.</param>
internal sealed record SoakRun(
    SoakSettings Settings,
    string QuillBuild,
    SoakLoad Load,
    SoakChaos Chaos,
    IReadOnlyList<ResourceSample> Samples,
    TimeSpan Duration,
    ProcessStatus IdleBefore,
    ProcessStatus IdleAfter,
    string DescriptorsBefore,
    string DescriptorsAfter);
