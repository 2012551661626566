using System.Net;
using System.Net.Sockets;
using Tcplb.Configuration;

namespace Tcplb.Infrastructure;

/// <summary>
/// Opens the socket of a connect to a server, with its options set: <c>NoDelay</c> and <c>SO_KEEPALIVE</c>
/// always; <c>--tcp-keepalive</c> timing and the <c>--source</c> address only when set, so that without them a
/// server connect costs no system call more than before. Health checks leave from the source address too: a
/// server that admits only that address must see its checks come from it.
/// </summary>
internal static class ServerSocket
{
    private const int SolIp = 0;

    /// <summary>Linux's <c>IP_BIND_ADDRESS_NO_PORT</c>: valid at <c>SOL_IP</c> for IPv6 sockets too.</summary>
    private const int IpBindAddressNoPort = 24;

    /// <param name="source">The local address to leave from (port 0); used for servers of its family, the others get the kernel's choice.</param>
    public static Socket Open(IPEndPoint server, TcpKeepAlive? keepAlive, IPEndPoint? source)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            if (keepAlive is not null)
            {
                KeepAliveTiming.Apply(socket, keepAlive);
            }
            LeaveFrom(socket, source);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Binds a socket about to connect to <paramref name="source"/> (port 0), when it is set and of the socket's family.</summary>
    public static void LeaveFrom(Socket socket, IPEndPoint? source)
    {
        if (source is not null && source.AddressFamily == socket.AddressFamily)
        {
            // The port is chosen at connect, by the whole four-tuple, as without a bind: binding port 0
            // alone would take an ephemeral port for this socket only and run out after ~28000 connections.
            socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
            socket.Bind(source);
        }
    }
}
