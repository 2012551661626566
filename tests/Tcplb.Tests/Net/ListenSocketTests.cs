using System.Net;
using System.Net.Sockets;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Net;

namespace Tcplb.Tests.Net;

public class ListenSocketTests
{
    /// <summary>Session relies on this instead of setting the options again on every accepted client.</summary>
    [Fact]
    public async Task AcceptedSockets_InheritNoDelayAndKeepAlive_FromTheListener()
    {
        using var listener = ListenSocket.Open(0, IPAddress.Loopback);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
        using var accepted = await listener.AcceptAsync();
        Assert.True(accepted.NoDelay);
        Assert.Equal(1, (int)accepted.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
    }

    /// <summary>--tcp-keepalive costs no system call per client: Linux copies the timing to each accepted socket.</summary>
    [Fact]
    public async Task AcceptedSockets_InheritTheKeepAliveTiming_FromTheListener()
    {
        using var listener = ListenSocket.Open(0, IPAddress.Loopback, new TcpKeepAlive(60, 10, 6));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
        using var accepted = await listener.AcceptAsync();
        Assert.Equal((60, 10, 6), KeepAliveOf(accepted));
    }

    [Fact]
    public void Open_WithoutKeepAliveTiming_LeavesTheKernelDefault()
    {
        using var listener = ListenSocket.Open(0, IPAddress.Loopback);
        using var plain = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.Equal(KeepAliveOf(plain), KeepAliveOf(listener));
    }

    [Fact]
    public async Task ServerSocket_HasTheKeepAliveTiming_AndLeavesFromTheSourceAddress()
    {
        using var server = ListenSocket.Open(0, IPAddress.Loopback);
        var serverEndPoint = (IPEndPoint)server.LocalEndPoint!;
        using var socket = ServerSocket.Open(serverEndPoint, new TcpKeepAlive(30, null, null), new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        Assert.Equal(30, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        await socket.ConnectAsync(serverEndPoint);
        using var accepted = await server.AcceptAsync();
        Assert.Equal(IPAddress.Parse("127.0.0.2"), ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }

    [Fact]
    public async Task ServerSocket_SourceOfTheOtherFamily_IsLeftToTheKernel()
    {
        using var server = ListenSocket.Open(0, IPAddress.IPv6Loopback);
        var serverEndPoint = (IPEndPoint)server.LocalEndPoint!;
        using var socket = ServerSocket.Open(serverEndPoint, null, new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        await socket.ConnectAsync(serverEndPoint);
        using var accepted = await server.AcceptAsync();
        Assert.Equal(IPAddress.IPv6Loopback, ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }

    [Fact]
    public async Task Open_OnIPv6Any_TakesBothFamilies_AndOnIPv4Any_IPv4Only()
    {
        using var both = ListenSocket.Open(0, IPAddress.IPv6Any);
        var port = ((IPEndPoint)both.LocalEndPoint!).Port;
        using (var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await v4.ConnectAsync(IPAddress.Loopback, port);
        }
        using var v4Only = ListenSocket.Open(0, IPAddress.Any);
        using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => v6.ConnectAsync(IPAddress.IPv6Loopback, ((IPEndPoint)v4Only.LocalEndPoint!).Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    private static (int Idle, int Interval, int Count) KeepAliveOf(Socket socket) =>
        ((int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!,
         (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!,
         (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
}
