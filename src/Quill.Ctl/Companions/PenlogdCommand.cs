using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Quill.Core.Companions;
using Quill.Core.Configuration;

namespace Quill.Ctl.Companions;

/// <summary>
/// quillctl penlogd [-d] [-f] [-b] [-l logfile] [-n N] [-p pidfile] port: receives the balancer's log datagrams and
/// the web servers' log lines on one UDP port and writes the web lines with the real client address. Runs in the
/// foreground (use the init system to background it); HUP reopens the log file, TERM exits.
/// </summary>
internal static class PenlogdCommand
{
    private const string Usage = """
        Usage: quillctl penlogd [-d] [-f] [-b] [-l logfile] [-n N] [-p pidfile] port

          -d          debugging: report lines without a quoted request on stderr
          -f          stay in foreground (penlogd always does)
          -b          flush after every line (penlogd always does)
          -l logfile  write the merged log here instead of stdout
          -n N        balancer entries to remember [1000]
          -p pidfile  write the process id here

        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = GetoptTokenizer.Tokenize(args, "dfbl:n:p:j:u:");
        string? logFile = null, pidFile = null;
        int capacity = 1000, debug = 0;
        foreach (var option in parsed.Options)
        {
            switch (option.Kind, option.Name)
            {
                case (GetoptOptionKind.Flag, "d"): debug++; break;
                case (GetoptOptionKind.Flag, "f" or "b"): break;
                case (GetoptOptionKind.WithValue, "l"): logFile = option.Value; break;
                case (GetoptOptionKind.WithValue, "p"): pidFile = option.Value; break;
                case (GetoptOptionKind.WithValue, "n") when int.TryParse(option.Value, CultureInfo.InvariantCulture, out capacity) && capacity > 0: break;
                case (GetoptOptionKind.WithValue, "n"): return Fail($"invalid number '{option.Value}' for -n");
                case (GetoptOptionKind.WithValue, "j" or "u"): return Fail($"-{option.Name} is not supported; run penlogd under a service manager instead");
                default:
                    Console.Out.Write(Usage);
                    return 0;
            }
        }

        if (parsed.Operands.Count != 1 || !int.TryParse(parsed.Operands[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            if (parsed.Operands.Count == 0) Console.Out.Write(Usage);
            return parsed.Operands.Count == 0 ? 0 : Fail($"invalid port '{string.Join(' ', parsed.Operands)}'");
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        MergedLog output;
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            output = new MergedLog(logFile);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }

        using (output)
        using (var stopping = new CancellationTokenSource())
        {
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopping.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopping.Cancel(); });
            using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; output.RequestReopen(); });
            if (pidFile is not null) await File.WriteAllTextAsync(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            try
            {
                await ReceiveAsync(socket, new PenlogdMatcher(capacity), output, debug, stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // TERM: close the log and exit cleanly.
            }
            finally
            {
                if (pidFile is not null) File.Delete(pidFile);
            }
        }

        return 0;
    }

    private static async Task ReceiveAsync(Socket socket, PenlogdMatcher matcher, MergedLog output, int debug, CancellationToken stopping)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stopping);
            var text = Encoding.Latin1.GetString(buffer, 0, received.ReceivedBytes);
            if (PenlogdMatcher.IsBalancerEntry(text))
            {
                matcher.Remember(text);
                continue;
            }

            var sender = ((IPEndPoint)received.RemoteEndPoint).Address.ToString();
            var line = text.TrimEnd('\r', '\n');
            if (matcher.Rewrite(sender, line) is { } merged) output.Write(merged);
            else if (debug > 0) Console.Error.WriteLine($"bogus web line {line}");
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"penlogd: {message}");
        return 1;
    }

    /// <summary>stdout or the -l file, flushed after every line; reopened before the next line after a HUP.</summary>
    private sealed class MergedLog : IDisposable
    {
        private readonly string? _path;
        private TextWriter _writer;
        private volatile bool _reopen;

        public MergedLog(string? path)
        {
            _path = path;
            _writer = Open(path);
        }

        public void RequestReopen() => _reopen = true;

        public void Write(string line)
        {
            if (_reopen && _path is not null)
            {
                _reopen = false;
                _writer.Dispose();
                _writer = Open(_path);
            }

            _writer.Write(line);
            _writer.Write('\n');
            _writer.Flush();
        }

        public void Dispose() => _writer.Dispose();

        private static TextWriter Open(string? path) => path is null
            ? new StreamWriter(Console.OpenStandardOutput(), Encoding.Latin1)
            : new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete), Encoding.Latin1);
    }
}
