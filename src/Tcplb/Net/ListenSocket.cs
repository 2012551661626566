using System.Net;
using System.Net.Sockets;
using Tcplb.Configuration;
using Tcplb.Infrastructure;

namespace Tcplb.Net;

/// <summary>
/// Opens listening sockets: dual-stack IPv6 (which takes IPv4 too), or plain IPv4 where IPv6 is absent. A
/// group of them shares one port through <c>SO_REUSEPORT</c>, one per worker process, and the kernel spreads
/// new connections over the group.
/// </summary>
internal static class ListenSocket
{
    /// <summary>Linux caps this at net.core.somaxconn; asking for more costs nothing.</summary>
    public const int Backlog = 65535;

    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;

    /// <param name="address">The one address to listen on; null: every interface, IPv4 and IPv6 (<see cref="IPAddress.IPv6Any"/> too).</param>
    /// <param name="keepAlive">Keep-alive timing that accepted sockets inherit; null: the kernel's.</param>
    public static Socket Open(int port, IPAddress? address = null, TcpKeepAlive? keepAlive = null) => Open(port, address, keepAlive, reusePort: false);

    /// <summary>
    /// <paramref name="count"/> sockets listening on <paramref name="port"/> together. The port is first bound
    /// alone, without <c>SO_REUSEPORT</c>, so that a port some other program (or another tcplb) holds is refused
    /// with "address already in use" instead of being shared with it.
    /// </summary>
    public static Socket[] OpenGroup(int port, int count, IPAddress? address = null, TcpKeepAlive? keepAlive = null)
    {
        using (Open(port, address, keepAlive: null, reusePort: false))
        {
        }
        var group = new Socket[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                group[i] = Open(port, address, keepAlive, reusePort: true);
            }
        }
        catch
        {
            foreach (var socket in group)
            {
                socket?.Dispose();
            }
            throw;
        }
        return group;
    }

    /// <summary>A listening socket this process inherited from the one that started it.</summary>
    public static Socket Inherited(int descriptor) => new(new SafeSocketHandle(descriptor, ownsHandle: true));

    private static Socket Open(int port, IPAddress? address, TcpKeepAlive? keepAlive, bool reusePort)
    {
        if (address is not null)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true; // [::]:PORT means both families, whatever net.ipv6.bindv6only says
            }
            return Bind(socket, new IPEndPoint(address, port), keepAlive, reusePort);
        }
        if (Socket.OSSupportsIPv6)
        {
            var dual = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                dual.DualMode = true;
                return Bind(dual, new IPEndPoint(IPAddress.IPv6Any, port), keepAlive, reusePort);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable
                                                or SocketError.ProtocolNotSupported)
            {
                dual.Dispose(); // IPv6 disabled in this kernel or container: IPv4 alone will do
            }
        }
        return Bind(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(IPAddress.Any, port), keepAlive, reusePort);
    }

    /// <summary>
    /// <c>SO_REUSEADDR</c> alone: a restart need not wait for TIME_WAIT to clear, and Linux still refuses a
    /// port another socket listens on. Not .NET's <see cref="SocketOptionName.ReuseAddress"/>, which on Linux
    /// also sets <c>SO_REUSEPORT</c> and so would let a second tcplb share the port unnoticed.
    /// </summary>
    public static void AllowRestart(Socket socket) => socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));

    private static Socket Bind(Socket socket, IPEndPoint endPoint, TcpKeepAlive? keepAlive, bool reusePort)
    {
        try
        {
            AllowRestart(socket);
            if (reusePort)
            {
                socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            }
            socket.NoDelay = true;
            // Accepted sockets inherit keep-alive from the listener: dead clients that never send FIN or RST are found.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            if (keepAlive is not null)
            {
                KeepAliveTiming.Apply(socket, keepAlive);
            }
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
