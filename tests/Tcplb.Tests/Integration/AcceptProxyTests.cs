using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Tcplb.Configuration;
using Tcplb.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary><c>--accept-proxy</c>: a front balancer on 127.0.0.1 sends PROXY headers; other sources are relayed as they are.</summary>
public class AcceptProxyTests
{
    private static readonly AddressPrefixes Front = AddressPrefixes.Parse("127.0.0.1", "--accept-proxy");

    private static byte[] V1(string client, int port, string rest = "") => Encoding.ASCII.GetBytes($"PROXY TCP4 {client} 127.0.0.1 {port} 443\r\n{rest}");

    private static byte[] V2(byte command, byte[] client, int port) =>
        [.. ProxyProtocolHeader.V2Signature, command, 0x11, 0, 12, .. client, 127, 0, 0, 1, (byte)(port >> 8), (byte)port, 0x01, 0xBB];

    [Fact]
    public async Task V1_HeaderAndDataInOneSegment_TheServerGetsTheData_AndTheOutgoingHeaderNamesTheRealClient()
    {
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously); // the server closes after it
        using var server = new ScriptedBackend(async socket => received.SetResult(await socket.ReadToEndAsync()));
        using var proxy = new TestProxy([server.EndPoint], new() { AcceptProxy = Front, ProxyProtocol = ProxyProtocolVersion.V1, AccessLog = true });
        using var client = await proxy.ConnectAsync();
        await client.SendAsync(V1("203.0.113.7", 51000, "hello"));
        client.Shutdown(SocketShutdown.Send);
        var bytes = Encoding.ASCII.GetString(await Eventually.Within(received.Task));
        Assert.Equal($"PROXY TCP4 203.0.113.7 127.0.0.1 51000 {proxy.EndPoint.Port}\r\nhello", bytes);
        Eventually.True(() => proxy.LogText.Contains("msg=connection client=203.0.113.7:51000 "), () => proxy.LogText);
    }

    [Fact]
    public async Task V2_TheRealClientIsWhatDenyJudges_NotTheFrontBalancer()
    {
        using var server = ScriptedBackend.Echo();
        using var proxy = new TestProxy([server.EndPoint], new() { AcceptProxy = Front, Deny = AddressPrefixes.Parse("203.0.113.0/24", "--deny") });
        Assert.True(await IsClosed(proxy, V2(0x21, [203, 0, 113, 7], 51000)));
        Eventually.True(() => proxy.Proxy.Status().DeniedConnections == 1);
        Assert.Equal(0, server.Connections);
        await Echoes(proxy, V2(0x21, [198, 51, 100, 1], 51000));
    }

    [Fact]
    public async Task V1_ThePerClientLimitCountsTheRealClients_EachOnItsOwn()
    {
        using var server = ScriptedBackend.Echo();
        using var proxy = new TestProxy([server.EndPoint], new() { AcceptProxy = Front, MaxConnectionsPerClient = 1 });
        using var first = await Echoes(proxy, V1("203.0.113.7", 1000));
        Assert.True(await IsClosed(proxy, V1("203.0.113.7", 1001)));
        using var other = await Echoes(proxy, V1("203.0.113.8", 1000)); // same front balancer, another client
    }

    [Fact]
    public async Task SourceHash_FollowsTheRealClient()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        using var c = new HttpBackend("c");
        using var proxy = new TestProxy([a.EndPoint, b.EndPoint, c.EndPoint], new() { AcceptProxy = Front, Balance = BalancePolicy.SourceHash });
        var answers = new HashSet<string>();
        for (var i = 0; i < 24; i++)
        {
            answers.Add(await Ask(proxy, V1($"203.0.113.{i}", 1000)));
        }
        Assert.True(answers.Count > 1, "every real client went to one server: the front balancer's address was hashed");
        Assert.Equal(await Ask(proxy, V1("203.0.113.5", 1)), await Ask(proxy, V1("203.0.113.5", 2)));
    }

    [Fact]
    public async Task V2Local_TheConnectionsOwnAddressIsUsed()
    {
        using var server = ScriptedBackend.Echo();
        using var proxy = new TestProxy([server.EndPoint], new() { AcceptProxy = Front, AccessLog = true });
        (await Echoes(proxy, V2(0x20, [203, 0, 113, 7], 51000))).Dispose();
        Eventually.True(() => Regex.IsMatch(proxy.LogText, @"msg=connection client=127\.0\.0\.1:\d+ "), () => proxy.LogText);
    }

    [Theory]
    [InlineData("hello, no header\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 127.0.0.1 51000\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 127.0.0.1 51000 443")] // then the client ends its side
    public async Task MissingMalformedOrCutHeader_IsClosed_WithoutContactingAServer(string sent)
    {
        using var server = ScriptedBackend.Echo();
        using var proxy = new TestProxy([server.EndPoint], new() { AcceptProxy = Front, AccessLog = true });
        using var client = await proxy.ConnectAsync();
        await client.SendAsync(Encoding.ASCII.GetBytes(sent));
        client.Shutdown(SocketShutdown.Send);
        await Eventually.Within(client.WaitForCloseAsync());
        Eventually.True(() => proxy.LogText.Contains("reason=bad-proxy-header"), () => proxy.LogText);
        Assert.Equal(0, server.Connections);
        proxy.WaitUntilIdle();
    }

    [Fact]
    public async Task NoHeaderInTime_IsClosed_WhileAHeaderArrivingByteByByteIsServed()
    {
        using var server = ScriptedBackend.Echo();
        using var proxy = new TestProxy([server.EndPoint], new() { AcceptProxy = Front, AccessLog = true });
        using var silent = await proxy.ConnectAsync();
        using var slow = await proxy.ConnectAsync();
        foreach (var b in V1("203.0.113.7", 51000))
        {
            await slow.SendAsync(new[] { b });
        }
        await slow.SendAsync("hi"u8.ToArray());
        Assert.Equal("hi"u8.ToArray(), await Eventually.Within(slow.ReadExactlyAsync(2)));
        await Eventually.Within(silent.WaitForCloseAsync()); // the handshake timeout, about 3 s
        Eventually.True(() => proxy.LogText.Contains("reason=bad-proxy-header"), () => proxy.LogText);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task SourceOutsideTheList_ItsBytesAreRelayedUnchanged()
    {
        using var server = ScriptedBackend.Echo();
        using var proxy = new TestProxy([server.EndPoint], new() { AcceptProxy = Front });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        await client.ConnectAsync(proxy.EndPoint);
        var sent = V1("203.0.113.7", 51000, "hello");
        await client.SendAsync(sent);
        Assert.Equal(sent, await Eventually.Within(client.ReadExactlyAsync(sent.Length)));
    }

    [Fact]
    public async Task Sni_TheHeaderFirst_ThenTheClientHello_RoutesByName()
    {
        using var api = ScriptedBackend.Echo();
        using var other = ScriptedBackend.Echo();
        using var proxy = new TestProxy([TestProxy.Routed(api.EndPoint, "api.example.com"), TestProxy.Routed(other.EndPoint)],
            new Settings { AcceptProxy = Front, SniTimeout = TimeSpan.FromHours(1) });
        var hello = new ClientHelloBuilder().Build();
        using var client = await proxy.ConnectAsync();
        await client.SendAsync((byte[])[.. V1("203.0.113.7", 51000), .. hello[..20]]); // the header and a part of the hello in one segment
        await client.SendAsync(hello[20..]);
        Assert.Equal(hello, await Eventually.Within(client.ReadExactlyAsync(hello.Length)));
        Assert.Equal((1, 0), (api.Connections, other.Connections));
    }

    private static async Task<Socket> Echoes(TestProxy proxy, byte[] header)
    {
        var client = await proxy.ConnectAsync();
        await client.SendAsync((byte[])[.. header, .. "ping"u8]);
        Assert.Equal("ping"u8.ToArray(), await Eventually.Within(client.ReadExactlyAsync(4)));
        return client;
    }

    private static async Task<string> Ask(TestProxy proxy, byte[] header)
    {
        using var client = await proxy.ConnectAsync();
        await client.SendAsync((byte[])[.. header, .. "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8]);
        var answer = Encoding.ASCII.GetString(await Eventually.Within(client.ReadToEndAsync()));
        return answer[(answer.LastIndexOf('\n', answer.Length - 2) + 1)..].Trim();
    }

    /// <summary>Whether a connection that sends <paramref name="header"/> is closed (reset) without an answer.</summary>
    private static async Task<bool> IsClosed(TestProxy proxy, byte[] header)
    {
        try
        {
            using var client = await proxy.ConnectAsync();
            await client.SendAsync((byte[])[.. header, .. "ping"u8]);
            return await Eventually.Within(client.ReceiveAsync(new byte[4])) == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }
}
