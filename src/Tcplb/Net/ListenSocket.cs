using System.Net;
using System.Net.Sockets;

namespace Tcplb.Net;

/// <summary>Opens the listening socket: dual-stack IPv6 (which takes IPv4 too), or plain IPv4 where IPv6 is absent.</summary>
internal static class ListenSocket
{
    /// <summary>Linux caps this at net.core.somaxconn; asking for more costs nothing.</summary>
    public const int Backlog = 65535;

    public static Socket Open(int port, IPAddress? address = null)
    {
        if (address is not null)
        {
            return Bind(new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(address, port));
        }
        if (Socket.OSSupportsIPv6)
        {
            var dual = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                dual.DualMode = true;
                return Bind(dual, new IPEndPoint(IPAddress.IPv6Any, port));
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable
                                                or SocketError.ProtocolNotSupported)
            {
                dual.Dispose(); // IPv6 disabled in this kernel or container: IPv4 alone will do
            }
        }
        return Bind(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(IPAddress.Any, port));
    }

    private static Socket Bind(Socket socket, IPEndPoint endPoint)
    {
        try
        {
            // Restart without waiting for TIME_WAIT to clear; Linux still refuses a port another socket listens on.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.NoDelay = true;
            // Accepted sockets inherit keep-alive from the listener: dead clients that never send FIN or RST are found.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.Bind(endPoint);
            socket.Listen(Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
