using System.Net;
using System.Net.Sockets;

namespace Tcplb.Cli;

/// <summary><c>tcplb --probe ADDR:PORT</c>: exits 0 when the port accepts a TCP connection within two seconds. For container health checks, where there is no shell.</summary>
internal static class Probe
{
    public static int Run(string address, TextWriter error)
    {
        EndPoint endPoint;
        if (IPEndPoint.TryParse(address, out var ip) && ip.Port != 0)
        {
            endPoint = ip;
        }
        else
        {
            var colon = address.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            {
                error.WriteLine($"tcplb: --probe: '{address}' must be ADDR:PORT");
                return 2;
            }
            endPoint = new DnsEndPoint(address[..colon], port);
        }
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            socket.ConnectAsync(endPoint, timeout.Token).AsTask().GetAwaiter().GetResult();
            return 0;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            error.WriteLine($"tcplb: --probe: {address} does not accept connections");
            return 1;
        }
    }
}
