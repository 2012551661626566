using System.Net;
using System.Net.Sockets;
using System.Text;
using Tcplb.Configuration;
using Tcplb.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

public class ProxyProtocolTests
{
    [Fact]
    public async Task V1_ServerReceivesTheClientsAddressesBeforeItsFirstByte()
    {
        var (bytes, clientPort, proxyPort) = await SendHelloThrough(ProxyProtocolVersion.V1);
        Assert.Equal($"PROXY TCP4 127.0.0.1 127.0.0.1 {clientPort} {proxyPort}\r\nhello", Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public async Task V2_ServerReceivesTheBinaryHeaderBeforeItsFirstByte()
    {
        var (bytes, clientPort, proxyPort) = await SendHelloThrough(ProxyProtocolVersion.V2);
        Assert.True(bytes.AsSpan(0, 12).SequenceEqual(ProxyProtocolHeader.V2Signature));
        Assert.Equal([0x21, 0x11, 0x00, 12], bytes[12..16]);
        Assert.Equal(IPAddress.Loopback, new IPAddress(bytes[16..20]));
        Assert.Equal(clientPort, bytes[24] << 8 | bytes[25]);
        Assert.Equal(proxyPort, bytes[26] << 8 | bytes[27]);
        Assert.Equal("hello", Encoding.ASCII.GetString(bytes, 28, bytes.Length - 28));
    }

    /// <summary>Sends "hello" through a proxy with the PROXY protocol on; returns what the server received.</summary>
    private static async Task<(byte[] Received, int ClientPort, int ProxyPort)> SendHelloThrough(ProxyProtocolVersion version)
    {
        var received = new TaskCompletionSource<byte[]>();
        using var server = new ScriptedBackend(async socket => received.SetResult(await socket.ReadToEndAsync()));
        using var proxy = new TestProxy([server.EndPoint], new() { ProxyProtocol = version });
        using var client = await proxy.ConnectAsync();
        await client.SendAsync("hello"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        return (await Eventually.Within(received.Task), ((IPEndPoint)client.LocalEndPoint!).Port, proxy.EndPoint.Port);
    }
}
