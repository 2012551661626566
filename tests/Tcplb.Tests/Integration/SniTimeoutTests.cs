using System.Net.Sockets;
using Tcplb.Configuration;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary>
/// The end of the wait for a ClientHello: <c>--sni-timeout</c> on a clock the test moves (the timeout thread
/// scans every 100 ms and reads that clock), a window that fills, a client that fails. The receive pending
/// when the timeout chooses is handed on without losing or reordering a byte.
/// </summary>
public class SniTimeoutTests : IDisposable
{
    private static readonly byte[] Greeting = "220 server speaks first\r\n"u8.ToArray();

    private readonly FakeTimeProvider _time = new();
    private readonly ScriptedBackend _api = ScriptedBackend.Echo();

    /// <summary>Greets, then echoes: a protocol where the server speaks first (SMTP, FTP, MySQL, ...).</summary>
    private readonly ScriptedBackend _greeter = new(async socket =>
    {
        await socket.SendAsync(Greeting);
        await ScriptedBackend.EchoHandler(socket);
    });

    private TestProxy Proxy(bool withDefault = true, Settings? settings = null) => new(
        withDefault ? [TestProxy.Routed(_api.EndPoint, "api.example.com"), TestProxy.Routed(_greeter.EndPoint)]
            : [TestProxy.Routed(_api.EndPoint, "api.example.com")],
        (settings ?? new Settings()) with { SniTimeout = TimeSpan.FromSeconds(5) }, _time);

    /// <summary>Moves the clock past <c>--sni-timeout</c>, once tcplb has accepted <paramref name="clients"/> clients (their deadlines count from then).</summary>
    private void PassTheSniTimeout(TestProxy proxy, int clients = 1)
    {
        Eventually.True(() => proxy.Proxy.Connections.Active == clients, () => $"{proxy.Proxy.Connections.Active} accepted");
        _time.Advance(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WithoutSniLines_TheServerIsConnectedAtOnce_NothingIsAwaited()
    {
        using var proxy = new TestProxy([TestProxy.Routed(_greeter.EndPoint)], new Settings { SniTimeout = TimeSpan.FromSeconds(5) }, _time);
        using var client = await proxy.ConnectAsync();
        Assert.Equal(Greeting, await Eventually.Within(client.ReadExactlyAsync(Greeting.Length))); // the clock never moves
    }

    [Fact]
    public async Task ClientThatSendsNothing_WaitsForTheSniTimeout_ThenTheDefaultRouteSpeaksFirst()
    {
        using var proxy = Proxy();
        using var client = await proxy.ConnectAsync();
        await Task.Delay(300);
        Assert.Equal(0, _greeter.Connections); // still waiting for a hello

        PassTheSniTimeout(proxy);
        Assert.Equal(Greeting, await Eventually.Within(client.ReadExactlyAsync(Greeting.Length)));
        await client.SendAsync("hello"u8.ToArray());
        Assert.Equal("hello"u8.ToArray(), await Eventually.Within(client.ReadExactlyAsync(5)));
        Assert.Equal(0, _api.Connections);
    }

    [Fact]
    public async Task SlowHello_TimedOutMidway_ReachesTheDefaultRoute_WithEveryByteInOrder()
    {
        using var proxy = Proxy();
        var hello = new ClientHelloBuilder().Build();
        using var client = await proxy.ConnectAsync();
        await client.SendAsync(hello.AsMemory(0, 40)); // before the server name
        PassTheSniTimeout(proxy);
        Assert.Equal(Greeting, await Eventually.Within(client.ReadExactlyAsync(Greeting.Length)));
        foreach (var chunk in hello[40..].Chunk(50))
        {
            await client.SendAsync(chunk);
        }
        Assert.Equal(hello, await Eventually.Within(client.ReadExactlyAsync(hello.Length)));
        Assert.Equal(0, _api.Connections);
    }

    [Fact]
    public async Task IdleTimeout_CountsFromTheChoiceOfRoute_NotFromTheAccept()
    {
        using var echo = ScriptedBackend.Echo();
        using var proxy = new TestProxy([TestProxy.Routed(_api.EndPoint, "api.example.com"), TestProxy.Routed(echo.EndPoint)],
            new Settings { SniTimeout = TimeSpan.FromSeconds(5), IdleTimeout = TimeSpan.FromSeconds(2) }, _time);
        using var client = await proxy.ConnectAsync();
        PassTheSniTimeout(proxy); // 5 s since the accept, 0 since the choice: not idle
        Eventually.True(() => echo.Connections == 1);
        await Task.Delay(300); // a few scans of the timeout thread
        await client.SendAsync("x"u8.ToArray());
        Assert.Equal("x"u8.ToArray(), await Eventually.Within(client.ReadExactlyAsync(1)));
    }

    [Fact]
    public async Task HelloLargerThanTheWindow_GoesByTheNameInThePartHeld()
    {
        using var proxy = Proxy(settings: new Settings { BufferSize = 1024 });
        var hello = new ClientHelloBuilder { ExtraExtensions = 150 }.Build();
        Assert.True(hello.Length > 3 * 1024);
        using var client = await proxy.ConnectAsync();
        await client.SendAsync(hello);
        Assert.Equal(hello, await Eventually.Within(client.ReadExactlyAsync(hello.Length)));
        Assert.Equal((1, 0), (_api.Connections, _greeter.Connections));
    }

    [Fact]
    public async Task NothingSent_WithoutADefaultRoute_IsResetAtTheTimeout_AndReleased()
    {
        using var proxy = Proxy(withDefault: false, new Settings { AccessLog = true });
        using var client = await proxy.ConnectAsync();
        PassTheSniTimeout(proxy);
        Assert.False(await Eventually.Within(client.WaitForCloseAsync()));
        proxy.WaitUntilIdle();
        Assert.Contains("sni=- sent=0 received=0 tries=0", proxy.LogText);
        Assert.Contains("reason=no-route", proxy.LogText);
    }

    [Fact]
    public async Task ClientResetWhileSendingItsHello_IsReleased_AsAClientError()
    {
        using var proxy = Proxy(settings: new Settings { AccessLog = true });
        var client = await proxy.ConnectAsync();
        await client.SendAsync(new ClientHelloBuilder().Build().AsMemory(0, 100));
        client.LingerState = new LingerOption(true, 0);
        client.Close(); // a reset
        proxy.WaitUntilIdle();
        Assert.Contains("server=- sni=- sent=0 received=0", proxy.LogText);
        Assert.Contains("reason=client-error", proxy.LogText);
        Assert.Equal(0, _greeter.Connections + _api.Connections);
    }

    [Fact]
    public async Task ClientResetAfterTheTimeout_EndsItsConnectionToTheDefaultRoute()
    {
        using var proxy = Proxy(settings: new Settings { AccessLog = true });
        var client = await proxy.ConnectAsync();
        PassTheSniTimeout(proxy);
        await Eventually.Within(client.ReadExactlyAsync(Greeting.Length));
        client.LingerState = new LingerOption(true, 0);
        client.Close();
        proxy.WaitUntilIdle();
        Assert.Contains($"server={_greeter.EndPoint} sni=-", proxy.LogText);
        Assert.Contains("reason=client-error", proxy.LogText);
    }

    [Fact]
    public async Task ManyClientsWaiting_AreEachTimedOutOnce_AndAllReleased()
    {
        using var proxy = Proxy();
        var clients = new List<Socket>();
        for (var i = 0; i < 50; i++)
        {
            clients.Add(await proxy.ConnectAsync());
        }
        PassTheSniTimeout(proxy, clients.Count);
        foreach (var client in clients)
        {
            Assert.Equal(Greeting, await Eventually.Within(client.ReadExactlyAsync(Greeting.Length)));
            client.Dispose();
        }
        proxy.WaitUntilIdle();
        Assert.Equal(50, _greeter.Connections);
        Assert.Equal([("api.example.com", 0L), ("default", 50L)], proxy.Proxy.Status().Routes.Select(r => (r.Name, r.Connections)));
    }

    public void Dispose()
    {
        _api.Dispose();
        _greeter.Dispose();
    }
}
