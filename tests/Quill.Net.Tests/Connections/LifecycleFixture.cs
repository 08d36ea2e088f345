using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Quill.Core.Configuration;
using Quill.Core.Control;
using Quill.Core.Model;
using Quill.Core.Selection;
using Quill.Net.Connections;
using Quill.Net.Diagnostics;

namespace Quill.Net.Tests.Connections;

/// <summary>Lifecycles over a selector of loopback servers 127.0.0.1:9001.., a fake clock, and no sockets.</summary>
internal sealed class LifecycleFixture
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public LifecycleFixture(int servers, bool emergency = false, Func<int, ServerSpec>? spec = null, QuillOptions? options = null)
    {
        spec ??= i => Spec(i);
        Time = new FakeTimeProvider(Start);
        Table = new ServerTable(
            Enumerable.Range(0, servers).Select(i => Server(spec(i))), emergency ? Server(Spec(99)) : null, null);
        Clients = new ClientTable(2048, Time);
        Selector = new ServerSelector(Table, Clients, new SelectionSettings { Flags = SelectionFlags.RoundRobin }, Time);
        Registry = new ConnectionRegistry(100);
        Settings = new RuntimeSettings(options ?? new QuillOptions { Foreground = true });
        Services = new ConnectionServices(Selector, Registry, Settings, Log);
    }

    public FakeTimeProvider Time { get; }
    public ServerTable Table { get; }
    public ClientTable Clients { get; }
    public ServerSelector Selector { get; }
    public ConnectionRegistry Registry { get; }
    public RuntimeSettings Settings { get; }
    public ConnectionServices Services { get; }
    public RecordingLog Log { get; } = new();
    public int Ended { get; private set; }

    public static ServerSpec Spec(int i, int soft = 0, int hard = 0) =>
        new($"127.0.0.1:{9001 + i}", "127.0.0.1", 9001 + i, null, soft, hard, 0, 0);

    public static ServerState Server(ServerSpec spec) => new(spec, new IPEndPoint(IPAddress.Loopback, spec.Port));

    /// <summary>A client from 10.0.0.<paramref name="host"/> started on a fake transport.</summary>
    public (ConnectionLifecycle Lifecycle, FakeTransport Transport) Begin(int host = 1)
    {
        var lifecycle = new ConnectionLifecycle(
            Services, IPAddress.Parse($"10.0.0.{host}"), 40000, Services.SettingsForNewClient(), ConnectionKind.Tcp, () => Ended++);
        var transport = new FakeTransport();
        lifecycle.Start(transport, transport, clientDescriptor: 7);
        return (lifecycle, transport);
    }

    public int[] Connections() => [.. Table.Regular.Select(s => s.Connections)];

    /// <summary>Every debug message; written from loop threads and continuations as well as the test's.</summary>
    internal sealed class RecordingLog : IDebugLog
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public bool IsEnabled(int messageLevel) => true;

        public void Write(int messageLevel, string message) => _lines.Enqueue(message);
    }
}
