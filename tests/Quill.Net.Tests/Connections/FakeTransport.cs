using Quill.Net.Connections;

namespace Quill.Net.Tests.Connections;

/// <summary>A connector and relay that only record what the lifecycle asks of them; the test plays the network.</summary>
internal sealed class FakeTransport : IUpstreamConnector, IConnectionRelay
{
    public List<ConnectRequest> Requests { get; } = [];

    public RelayPlan? Plan { get; private set; }

    public bool Refused { get; private set; }

    public int Aborts { get; private set; }

    public void Connect(in ConnectRequest request) => Requests.Add(request);

    public void Start(RelayPlan plan) => Plan = plan;

    public void Refuse() => Refused = true;

    public void Abort() => Aborts++;

    /// <summary>The servers connected to, in order.</summary>
    public int[] Servers => [.. Requests.Select(r => r.Server)];
}
