using System.Net;
using System.Net.Sockets;
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
}
