using CsCheck;
using Quill.Core.Control;
using Quill.Core.Tests.Control;
using Quill.Fuzz.Tests.Harness;

namespace Quill.Fuzz.Tests.Targets;

/// <summary>Command lines for the control dispatcher: its command words with hostile arguments, and random lines.</summary>
internal static class PenctlCommands
{
    public static readonly string[] CommandWords =
    [
        "abort_on_error", "acl", "ascii", "blacklist", "client_acl", "clients_max", "close", "conn_max", "connection",
        "control", "control_acl", "debug", "dsr_if", "dsr_ip", "dummy", "exit", "geoip_path", "hash", "http",
        "idle_timeout", "idlers", "include", "keepalive", "listen", "log", "mode", "no", "peek", "pending_max", "pid",
        "prio", "recent", "reload", "roundrobin", "server", "servers", "socket", "source", "ssl_ciphers",
        "ssl_client_renegotiation_interval", "ssl_ocsp_response", "ssl_option", "ssl_sni_path", "status", "stubborn",
        "tarpit_acl", "tcp_fastclose", "tcp_nodelay", "timeout", "tracking", "transparent", "weight", "web_stats",
        "write", "#", "#comment", "servers ", "unknown", "check", "check_interval", "check_timeout", "rise", "fall",
        "check_tls", "slowstart", "health",
    ];

    private static readonly string[] Arguments =
    [
        .. CommandWords, "0", "1", "2", "3", "4", "9", "10", "65535", "65536", "permit", "deny", "country", "SE",
        "10.0.0.1", "255.0.0.0", "::1/64", "127.0.0.1:8080", "127.0.0.1:1", "[::1]:80", "/tmp/q.sock", "backend.example",
        "acl", "address", "port", "max", "hard", "blacklist", "weight", "prio", "on", "off", "both", "up", "down",
        "http", "bogus", "ALL:!aNULL", "no_tlsv1", "cipher_server_preference", "/nonexistent/quill.log", "quill.log",
        "good.cfg", "bad.cfg", "quill.cfg", "17", "18", "drain", "maint", "tcp", "send", "expect", "PING\\r\\n", "+PONG",
        "\\x4", "/health", "200-399", "99", "100", "check", "check_interval", "rise", "fall", "slowstart",
    ];

    private static readonly Gen<string> Separator = Gen.Frequency((20, Gen.Const(" ")), (1, Gen.OneOf("  ", "\t", " \t ")));

    public static readonly Gen<string> Line = Gen.Frequency(
        (12, Gen.Select(Gen.OneOf(CommandWords), Hostile.Word(Arguments).Array[0, 7], Separator,
            (command, args, separator) => string.Join(separator, [command, .. args]))),
        (2, Gen.Select(Gen.OneOf(CommandWords), Hostile.Word(Arguments).Array[0, 4], Gen.OneOf("\r\n", "\n", "\r", "\0"), Hostile.RandomText,
            (command, args, end, tail) => string.Join(' ', [command, .. args]) + end + tail)),
        (1, Hostile.RandomText));

    /// <summary>A dispatcher in its starting state: three servers, the fake process, write and include confined.</summary>
    public static DispatcherFixture NewFixture() => new(configFile: Sandbox.Written);

    /// <summary>Everything a command may change, as text: the configuration write would save, and the server table
    /// with its counters, and what the fake process was asked to do.</summary>
    public static string Snapshot(DispatcherFixture fixture) =>
        ConfigWriter.Write(fixture.Dispatcher.Context, "snapshot")
        + fixture.Dispatcher.Execute("servers").Text
        + $"listened {string.Join(',', fixture.Runtime.Listened)} closed {string.Join(',', fixture.Runtime.Closed)} "
        + $"exits {fixture.Runtime.ExitRequests} log {fixture.Runtime.LogTarget} web {fixture.Runtime.WebStatsFile}";
}
