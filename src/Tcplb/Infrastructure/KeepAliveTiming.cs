using System.Net.Sockets;
using Tcplb.Configuration;

namespace Tcplb.Infrastructure;

/// <summary>
/// <c>--tcp-keepalive</c> on a socket that has <c>SO_KEEPALIVE</c>. The kernel's 2 h idle outlasts the idle
/// limits of cloud NATs and balancers (350 s on AWS NLB, 4 min on Azure), which then drop an idle connection
/// silently; probes sent sooner keep its entry alive, or find a dead peer. Accepted sockets inherit the
/// listener's timing, so only server sockets pay these calls, and only when the option is set.
/// </summary>
internal static class KeepAliveTiming
{
    public static void Apply(Socket socket, TcpKeepAlive timing)
    {
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, timing.IdleSeconds);
        if (timing.IntervalSeconds is { } interval)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, interval);
        }
        if (timing.Count is { } count)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, count);
        }
    }
}
