using System.Diagnostics;
using System.Text;

namespace Quill.EndToEnd.Tests.Harness;

/// <summary>
/// One running quill or pen: started with a command line, its stdout and stderr captured, stopped with SIGTERM,
/// killed if a test leaves it running.
/// </summary>
internal sealed class BalancerProcess : IDisposable
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReadinessPoll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan DefaultExitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private BalancerProcess(BalancerKind kind, Process process)
    {
        Kind = kind;
        _process = process;
    }

    public BalancerKind Kind { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string StandardError
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public ProcessStatus Status => ProcessStatus.Read(Pid);

    /// <summary>Starts the executable with exactly these arguments; nothing is waited for.</summary>
    /// <param name="environment">Variables added to the inherited environment (e.g. LANG).</param>
    /// <param name="launcher">A command that execs the balancer in its own process (prlimit ... --), so the pid is the balancer's.</param>
    public static BalancerProcess Launch(
        BalancerKind kind, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? launcher = null)
    {
        var executable = kind == BalancerKind.Pen ? PenInstallation.Executable : RepositoryLayout.QuillExecutable;
        if (!File.Exists(executable))
            throw new FileNotFoundException($"{kind} executable not found; build the solution first", executable);
        if (launcher is { Count: > 0 })
        {
            arguments = [.. launcher.Skip(1), executable, .. arguments];
            executable = launcher[0];
        }

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        var process = new Process { StartInfo = start };
        var balancer = new BalancerProcess(kind, process);
        process.OutputDataReceived += (_, line) => balancer.Append(balancer._stdout, line.Data);
        process.ErrorDataReceived += (_, line) => balancer.Append(balancer._stderr, line.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return balancer;
    }

    /// <summary>
    /// Starts a balancer in the foreground (-f) with options, the listen address and servers, in pen's order,
    /// and returns once it listens.
    /// </summary>
    public static async Task<BalancerProcess> StartAsync(
        BalancerKind kind, ListenAddress listen, IEnumerable<string> options, params string[] servers)
    {
        var balancer = Launch(kind, ["-f", .. options, listen.Argument, .. servers]);
        try
        {
            await balancer.WaitUntilListeningAsync(listen).ConfigureAwait(false);
            return balancer;
        }
        catch
        {
            balancer.Dispose();
            throw;
        }
    }

    /// <summary>Returns once this process (not just anyone) listens on <paramref name="listen"/>; it must run in the foreground.</summary>
    public Task WaitUntilListeningAsync(ListenAddress listen) => WaitUntilListeningAsync(listen.Endpoint, listen.ToString());

    public async Task WaitUntilListeningAsync(System.Net.EndPoint endpoint, string? name = null)
    {
        var listen = name ?? endpoint.ToString();
        var clock = Stopwatch.StartNew();
        while (!ListeningSockets.IsListeningIn(Pid, endpoint))
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync().ConfigureAwait(false);
                throw new InvalidOperationException(
                    $"{Kind} exited with {_process.ExitCode} before listening on {listen}; stderr: {StandardError}");
            }
            if (clock.Elapsed > ReadinessTimeout)
                throw new TimeoutException($"{Kind} not listening on {listen} after {ReadinessTimeout}; stderr: {StandardError}");
            await Task.Delay(ReadinessPoll).ConfigureAwait(false);
        }
    }

    public void SendSignal(int signal) => PosixNative.SendSignal(Pid, signal);

    /// <summary>Sends SIGTERM and returns the exit code; throws if the process outlives the timeout.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        try
        {
            if (!_process.HasExited)
                SendSignal(PosixNative.SigTerm);
        }
        catch (System.ComponentModel.Win32Exception) when (_process.HasExited)
        {
            // It ended between the check and the signal: its exit code is still there to read.
        }
        return await WaitForExitAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>Waits for the process to end by itself; kills it and throws if it outlives the timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultExitTimeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Kind} still running after {timeout ?? DefaultExitTimeout}; stderr: {StandardError}");
        }
        return _process.ExitCode;
    }

    private void Append(StringBuilder output, string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.Append(line).Append('\n');
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped: nothing to kill.
        }
        _process.Dispose();
    }
}
