using System.Net;
using System.Net.Sockets;
using System.Text;
using Tcplb.Cli;
using Tcplb.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

public class ProxyProtocolTests
{
    [Fact]
    public async Task V1_ServerReceivesTheClientsAddressesBeforeItsFirstByte()
    {
        var received = new TaskCompletionSource<byte[]>();
        using var server = new ScriptedBackend(async socket => received.SetResult(await socket.ReadToEndAsync()));
        using var balancer = new TestBalancer([server.EndPoint], new() { ProxyProtocol = ProxyProtocolVersion.V1 });
        using var client = await balancer.ConnectAsync();
        var clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;
        await client.SendAsync("hello"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        var text = Encoding.ASCII.GetString(await Eventually.Within(received.Task));
        Assert.Equal($"PROXY TCP4 127.0.0.1 127.0.0.1 {clientPort} {balancer.EndPoint.Port}\r\nhello", text);
    }

    [Fact]
    public async Task V2_ServerReceivesTheBinaryHeaderBeforeItsFirstByte()
    {
        var received = new TaskCompletionSource<byte[]>();
        using var server = new ScriptedBackend(async socket => received.SetResult(await socket.ReadToEndAsync()));
        using var balancer = new TestBalancer([server.EndPoint], new() { ProxyProtocol = ProxyProtocolVersion.V2 });
        using var client = await balancer.ConnectAsync();
        var clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;
        await client.SendAsync("hello"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        var bytes = await Eventually.Within(received.Task);
        Assert.True(bytes.AsSpan(0, 12).SequenceEqual(ProxyProtocolHeader.V2Signature));
        Assert.Equal([0x21, 0x11, 0x00, 12], bytes[12..16]);
        Assert.Equal(IPAddress.Loopback, new IPAddress(bytes[16..20]));
        Assert.Equal(clientPort, bytes[24] << 8 | bytes[25]);
        Assert.Equal(balancer.EndPoint.Port, bytes[26] << 8 | bytes[27]);
        Assert.Equal("hello", Encoding.ASCII.GetString(bytes, 28, bytes.Length - 28));
    }
}
