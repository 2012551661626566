using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Tcplb.Configuration;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary>Routing by the ClientHello's server name, with crafted hellos, on real loopback sockets.</summary>
public class SniRoutingTests : IDisposable
{
    private readonly ScriptedBackend _api = ScriptedBackend.Echo();
    private readonly ScriptedBackend _wildcard = ScriptedBackend.Echo();
    private readonly ScriptedBackend _default = ScriptedBackend.Echo();

    /// <summary>api.example.com, *.example.com and a default route, each one echo server.</summary>
    private TestProxy Proxy(Settings? settings = null, bool withDefault = true) => new(
    [
        TestProxy.Routed(_api.EndPoint, "api.example.com"),
        TestProxy.Routed(_wildcard.EndPoint, "*.example.com"),
        .. withDefault ? [TestProxy.Routed(_default.EndPoint)] : Array.Empty<Tcplb.Backends.Backend>(),
    ], (settings ?? new Settings()) with { SniTimeout = TimeSpan.FromHours(1) });

    /// <summary>Sends <paramref name="first"/> and more bytes; asserts they come back unchanged (the echo server got them so).</summary>
    private static async Task SendAndEcho(TestProxy proxy, byte[] first)
    {
        using var client = await proxy.ConnectAsync();
        byte[] all = [.. first, .. "and after the hello"u8];
        await client.SendAsync(first);
        await client.SendAsync(all.AsMemory(first.Length));
        Assert.Equal(all, await Eventually.Within(client.ReadExactlyAsync(all.Length)));
    }

    [Theory]
    [InlineData("api.example.com", 0)]
    [InlineData("API.Example.com", 0)]
    [InlineData("www.example.com", 1)]
    [InlineData("deep.www.example.com", 2)]
    [InlineData("other.test", 2)]
    [InlineData(null, 2)]
    public async Task Hello_GoesToTheRouteOfItsName_WithEveryByteUnchanged(string? serverName, int server)
    {
        using var proxy = Proxy();
        await SendAndEcho(proxy, new ClientHelloBuilder { ServerName = serverName, Grease = true }.Build());
        Assert.Equal(server, Array.FindIndex([_api, _wildcard, _default], s => s.Connections == 1));
        Assert.Equal(1, _api.Connections + _wildcard.Connections + _default.Connections);
    }

    [Fact]
    public async Task HelloInSeveralSegmentsAndRecords_IsReadWhole_BeforeChoosing()
    {
        using var proxy = Proxy();
        var hello = new ClientHelloBuilder { SessionTicket = 20_000 }.Build(fragment: 700);
        using var client = await proxy.ConnectAsync();
        foreach (var chunk in hello.Chunk(3000))
        {
            await client.SendAsync(chunk);
            await Task.Delay(20);
        }
        Assert.Equal(hello, await Eventually.Within(client.ReadExactlyAsync(hello.Length)));
        Assert.Equal((1, 0), (_api.Connections, _default.Connections));
    }

    [Fact]
    public async Task PlainTcpClient_GoesToTheDefaultRoute_ByItsFirstBytes()
    {
        using var proxy = Proxy(); // an hour of --sni-timeout: only the first bytes can have decided
        await SendAndEcho(proxy, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        Assert.Equal(1, _default.Connections);
    }

    [Fact]
    public async Task MalformedHello_GoesToTheDefaultRoute()
    {
        using var proxy = Proxy();
        var hello = new ClientHelloBuilder().Build();
        hello[43] = 99; // a session id longer than 32 bytes
        await SendAndEcho(proxy, hello);
        Assert.Equal((0, 1), (_api.Connections, _default.Connections));
    }

    [Fact]
    public async Task ClientThatEndsItsSideMidHello_GoesToTheDefaultRoute_AndItsFinIsPassedOn()
    {
        using var proxy = Proxy();
        var half = new ClientHelloBuilder().Build()[..60];
        using var client = await proxy.ConnectAsync();
        await client.SendAsync(half);
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(half, await Eventually.Within(client.ReadToEndAsync()));
        Assert.Equal(1, _default.Connections);
    }

    [Fact]
    public async Task NameNoRouteServes_WithoutADefaultRoute_IsReset_AndLoggedAsNoRoute()
    {
        using var proxy = Proxy(new Settings { AccessLog = true }, withDefault: false);
        using (var client = await proxy.ConnectAsync())
        {
            await client.SendAsync(new ClientHelloBuilder { ServerName = "other.test" }.Build());
            Assert.False(await Eventually.Within(client.WaitForCloseAsync()));
        }
        proxy.WaitUntilIdle();
        Assert.Matches(@"server=- sni=other\.test sent=0 received=0 tries=0 connect_ms=- queue_ms=0 duration=\S+ reason=no-route", proxy.LogText);
        Assert.Equal(1, proxy.Proxy.Status().RejectedConnections);
    }

    [Fact]
    public async Task AccessLogAndStatus_ShowTheNameAndTheRoute()
    {
        using var proxy = Proxy(new Settings { AccessLog = true });
        var hello = new ClientHelloBuilder { ServerName = "www.example.com" }.Build();
        var other = new ClientHelloBuilder { ServerName = "a.example.com" }.Build();
        await SendAndEcho(proxy, hello);
        await SendAndEcho(proxy, other);
        proxy.WaitUntilIdle();
        Assert.Matches($@"server={Regex.Escape(_wildcard.EndPoint.ToString())} sni=www\.example\.com sent={hello.Length + 19} ", proxy.LogText);
        var status = proxy.Proxy.Status();
        Assert.Equal([("api.example.com", 0L), ("*.example.com", 2L), ("default", 0L)], status.Routes.Select(r => (r.Name, r.Connections)));
        Assert.Equal(["*.example.com"], status.Servers[1].Routes);
        Assert.Equal(hello.Length + other.Length + 2 * 19, status.Servers[1].BytesSent);
    }

    [Fact]
    public async Task ProxyProtocol_TheHeaderComesFirst_ThenTheHelloUnchanged()
    {
        var received = new TaskCompletionSource<byte[]>();
        using var server = new ScriptedBackend(async socket => received.SetResult(await socket.ReadToEndAsync()));
        using var proxy = new TestProxy([TestProxy.Routed(server.EndPoint, "api.example.com")],
            new Settings { ProxyProtocol = ProxyProtocolVersion.V1, SniTimeout = TimeSpan.FromHours(1) });
        var hello = new ClientHelloBuilder().Build();
        using var client = await proxy.ConnectAsync();
        await client.SendAsync(hello);
        client.Shutdown(SocketShutdown.Send);
        var bytes = await Eventually.Within(received.Task);
        var header = Encoding.ASCII.GetString(bytes, 0, bytes.AsSpan().IndexOf((byte)'\n') + 1);
        Assert.Matches(@"^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ \d+\r\n$", header);
        Assert.Equal(hello, bytes[header.Length..]);
    }

    [Fact]
    public async Task Reload_ChangesRoutes_AndAConnectionInProgressKeepsItsServer()
    {
        using var proxy = Proxy();
        using var established = await proxy.ConnectAsync();
        await established.SendAsync(new ClientHelloBuilder().Build());
        Eventually.True(() => _api.Connections == 1);

        proxy.Proxy.Routes.Replace([TestProxy.Routed(_default.EndPoint, "api.example.com")]);

        await SendAndEcho(proxy, new ClientHelloBuilder().Build());
        Assert.Equal((1, 1), (_api.Connections, _default.Connections));
        await established.SendAsync("still here"u8.ToArray());
        Assert.EndsWith("still here", Encoding.Latin1.GetString(await Eventually.Within(established.ReadExactlyAsync(new ClientHelloBuilder().Build().Length + 10))));
    }

    public void Dispose()
    {
        _api.Dispose();
        _wildcard.Dispose();
        _default.Dispose();
    }
}
