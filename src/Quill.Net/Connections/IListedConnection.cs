using Quill.Core.Control;

namespace Quill.Net.Connections;

/// <summary>A connection as the registry lists it: <c>connection N</c>, <c>close N</c>, status pages, the traffic sweep.</summary>
public interface IListedConnection
{
    /// <summary>The number close N takes; set by the registry, -1 when the table had no free slot.</summary>
    int Id { get; set; }

    ConnectionView View();

    /// <summary>close N: from the control thread.</summary>
    void Close();

    /// <summary>Passes bytes moved since the last report on to the counters; from the sweep's thread.</summary>
    void ReportTraffic();
}
