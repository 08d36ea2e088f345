using System.Net.Sockets;
using System.Text;
using Quill.Ctl;
using Quill.Ctl.Companions;

// pen's companion tools: quillctl mergelogs|penlogd|penlog ... (a control address always has ':' or '/').
if (args.Length > 0 && CompanionTools.Find(args[0]) is { } companion)
    return await companion(args[1..]);

// penctl's command line: quillctl host:port|/path command words...
if (args.Length < 2)
{
    Console.Out.WriteLine("usage: quillctl host:port|/path/to/socket command [args...]");
    return 0;
}

var line = string.Join(' ', args[1..]) + "\n";
if (line.Length >= 1024)
{
    Console.Error.WriteLine("Overlong argument list");
    return 1;
}

System.Net.EndPoint target;
try
{
    target = ControlAddress.Parse(args[0]);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

using var socket = target is System.Net.Sockets.UnixDomainSocketEndPoint
    ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
    : new Socket(SocketType.Stream, ProtocolType.Tcp);
try
{
    await socket.ConnectAsync(target);
}
catch (SocketException)
{
    Console.Error.WriteLine("error connecting to server");
    return 1;
}

await socket.SendAsync(Encoding.ASCII.GetBytes(line), SocketFlags.None);
using var output = Console.OpenStandardOutput();
var buffer = new byte[4096];
int read;
while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
    await output.WriteAsync(buffer.AsMemory(0, read));
return 0;
