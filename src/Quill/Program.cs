using Quill.Core.Configuration;
using Quill.Demo;
using Quill.Hosting;
using Quill.Interop;
using Quill.Operations;

IgnoredSignals.Restore();
SocketEngineSettings.Apply();
var parsed = CommandLineParser.Parse(args, ServiceNames.For("tcp"));
switch (parsed)
{
    case CommandLineResult.ShowHelp:
        Console.Out.Write(CommandLineParser.Usage);
        return 0;
    case CommandLineResult.ShowVersion:
        Console.Out.WriteLine(VersionText.For("quill", Quill.Net.Tls.OpenSslLibrary.VersionLine()));
        return 0;
    case CommandLineResult.Error { Checking: true } error:
        Console.Error.WriteLine($"command line: {error.Message}");
        return 1;
    case CommandLineResult.Check check:
        return ConfigurationCheck.Report(ConfigurationCheck.Run(check.Options, TimeProvider.System));
    case CommandLineResult.Error error:
        Console.Error.WriteLine($"quill: {error.Message}");
        Console.Error.WriteLine("Try 'quill --help' for usage.");
        return 2;
}

if (parsed is CommandLineResult.Run { Options.Foreground: false } daemon)
{
    if (!Daemon.IsChild) return await Daemon.LaunchAsync(args);
    Daemon.Detach();
    parsed = daemon with { Options = Daemon.ResolvePaths(daemon.Options) };
}

using var signals = new ShutdownSignals();
return parsed switch
{
    CommandLineResult.Demo demo => await DemoRunner.RunAsync(demo.Options, TimeProvider.System, signals.Stopping),
    CommandLineResult.Run run => await BalancerHost.RunAsync(run.Options, TimeProvider.System, signals.Stopping, signals.Quitting),
    _ => throw new InvalidOperationException($"unhandled command line result {parsed}"),
};
