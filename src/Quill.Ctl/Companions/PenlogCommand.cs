using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quill.Ctl.Companions;

/// <summary>
/// quillctl penlog server port [my_ip]: sends each line of stdin (a web server's piped access log) to a penlogd as
/// one datagram of at most 1023 bytes. The source address must be the one the balancer knows the web server by.
/// </summary>
internal static class PenlogCommand
{
    private const int MaxDatagram = 1023;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length is < 2 or > 3)
        {
            Console.Out.WriteLine("Usage: quillctl penlog server port [my_ip]");
            return 0;
        }

        if (!int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return Fail($"invalid port '{args[1]}'");
        IPAddress server;
        try
        {
            server = IPAddress.TryParse(args[0], out var literal) ? literal : (await Dns.GetHostAddressesAsync(args[0])).First();
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            return Fail($"unknown host '{args[0]}'");
        }

        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (args.Length == 3)
            {
                if (!IPAddress.TryParse(args[2], out var local)) return Fail($"invalid local address '{args[2]}'");
                socket.Bind(new IPEndPoint(local, 0));
            }

            socket.Connect(new IPEndPoint(server, port));
        }
        catch (SocketException e)
        {
            return Fail($"cannot use {args[0]}:{args[1]}: {e.Message}");
        }

        using var input = new StreamReader(Console.OpenStandardInput(), Encoding.Latin1);
        while (await input.ReadLineAsync() is { } line)
        {
            var bytes = Encoding.Latin1.GetBytes(line + "\n");
            try
            {
                await socket.SendAsync(bytes.AsMemory(0, Math.Min(bytes.Length, MaxDatagram)), SocketFlags.None);
            }
            catch (SocketException)
            {
                // penlogd not running yet: lines are best effort, as in pen.
            }
        }

        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"penlog: {message}");
        return 1;
    }
}
