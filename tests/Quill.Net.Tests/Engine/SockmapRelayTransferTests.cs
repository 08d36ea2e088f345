namespace Quill.Net.Tests.Engine;

/// <summary>Every transfer test again with the kernel relaying plain connections (BPF sockmap).</summary>
public sealed class SockmapRelayTransferTests : RelayTransferTests
{
    protected override bool Sockmap => true;
}
