using System.Net.Sockets;
using System.Text;
using Quill.Core.Configuration;
using Quill.Ctl;
using Quill.Ctl.Companions;

// pen's companion tools: quillctl mergelogs|penlogd|penlog ... (a control address always has ':' or '/').
if (args.Length > 0 && CompanionTools.Find(args[0]) is { } companion)
    return await companion(args[1..]);

// penctl's command line: quillctl [--timeout SECONDS] [--json] host:port|/path command words...
CtlCommandLine commandLine;
switch (CtlCommandLine.Parse(args))
{
    case CtlCommandLineResult.Send send:
        commandLine = send.CommandLine;
        break;
    case CtlCommandLineResult.ShowUsage:
        Console.Out.WriteLine(CtlCommandLine.Usage);
        return 0;
    case CtlCommandLineResult.ShowVersion:
        Console.Out.WriteLine(VersionText.For("quillctl"));
        return 0;
    case CtlCommandLineResult.Error error:
        Console.Error.WriteLine($"quillctl: {error.Message}");
        return 1;
    case var unhandled:
        throw new InvalidOperationException($"unhandled command line result {unhandled}");
}

var line = (commandLine.Json ? "json " : "") + commandLine.Command + "\n";
if (line.Length >= 1024)
{
    Console.Error.WriteLine("Overlong argument list");
    return 1;
}

System.Net.EndPoint target;
try
{
    target = ControlAddress.Parse(commandLine.Address);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

using var timeout = new CancellationTokenSource(commandLine.Timeout);
using var socket = target is UnixDomainSocketEndPoint
    ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
    : new Socket(SocketType.Stream, ProtocolType.Tcp);
try
{
    await socket.ConnectAsync(target, timeout.Token);
}
catch (Exception e) when (e is SocketException or OperationCanceledException)
{
    Console.Error.WriteLine("error connecting to server");
    return 1;
}

var reply = new MemoryStream();
try
{
    await socket.SendAsync(Encoding.Latin1.GetBytes(line), SocketFlags.None, timeout.Token);
    var buffer = new byte[4096];
    int read;
    while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
    {
        reply.Write(buffer, 0, read);
    }
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine($"quillctl: no complete reply within {commandLine.Timeout.TotalSeconds} seconds");
    return 1;
}
catch (SocketException e)
{
    Console.Error.WriteLine($"quillctl: connection lost: {e.SocketErrorCode}");
    return 1;
}

using var output = Console.OpenStandardOutput();
var answer = Encoding.Latin1.GetString(reply.ToArray());
if (ReplyVerdict.Worked(commandLine.Command, answer) is { } worked)
{
    if (worked)
    {
        Console.Out.Write(answer);
        return 0;
    }

    Console.Error.Write(answer.Length > 0 ? answer : ReplyVerdict.NoAnswer(commandLine.Command));
    return 1;
}

if (!commandLine.Json)
{
    reply.Position = 0;
    await reply.CopyToAsync(output);
    return 0;
}

// With --json the server answered "json COMMAND" with one line of JSON; anything else is its error line.
if (!answer.StartsWith('[') && !answer.StartsWith('{'))
{
    Console.Error.Write(answer);
    return 1;
}

reply.Position = 0;
await reply.CopyToAsync(output);
return 0;
