using System.Net;
using System.Net.Sockets;

namespace Tcplb.Tests.Support;

/// <summary>A server that blackholes connects: it accepts nothing and answers nothing.</summary>
internal static class BlackHole
{
    /// <summary>A listener that never accepts, its queue filled so that further SYNs are dropped and connects hang.</summary>
    public static Socket Listen(out List<Socket> stuck)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        stuck = [];
        for (var i = 0; i < 16; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            stuck.Add(socket);
            if (!socket.ConnectAsync(listener.LocalEndPoint!).Wait(TimeSpan.FromMilliseconds(300)))
            {
                return listener; // this one hangs: the queue is full
            }
        }
        throw new InvalidOperationException("the accept queue never filled");
    }
}
