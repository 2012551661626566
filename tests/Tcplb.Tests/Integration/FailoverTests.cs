using System.Net;
using System.Net.Sockets;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary>Passive health: failed servers are skipped, clients are retried elsewhere, recovered servers serve again.</summary>
/// <remarks>Alone, because a stopped server's port must still be free when it restarts on it.</remarks>
[Collection(NonParallel.Name)]
public class FailoverTests
{
    [Fact]
    public async Task OneOfThreeStopped_ClientsAllSucceedWithoutIt_AndItServesAgainAfterTheCooldown()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        using var c = new HttpBackend("c");
        using var proxy = new TestProxy([a.EndPoint, b.EndPoint, c.EndPoint], new() { Cooldown = TimeSpan.FromSeconds(1) });
        b.Stop();
        var answers = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            answers.Add(await HttpBackend.AskAsync(proxy));
        }
        Assert.DoesNotContain("b", answers);
        Assert.Contains("msg=\"server down\" server=" + b.EndPoint + " cooldown=1s reason=refused", proxy.LogText);

        b.Restart();
        var later = new List<string>();
        while (!later.Contains("b"))
        {
            Assert.True(later.Count < 200, "b never served again: " + proxy.LogText);
            await Task.Delay(100); // its cooldown passes; every client meanwhile is served by a or c
            later.Add(await HttpBackend.AskAsync(proxy));
        }
        Assert.Contains("msg=\"server up\" server=" + b.EndPoint, proxy.LogText);
    }

    [Fact]
    public async Task AllServersDown_ClientIsClosedPromptly_AndServiceResumesAsSoonAsOneReturns()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        using var proxy = new TestProxy([a.EndPoint, b.EndPoint], new() { Cooldown = TimeSpan.FromMinutes(1) });
        a.Stop();
        b.Stop();
        for (var i = 0; i < 3; i++)
        {
            try
            {
                using var client = await proxy.ConnectAsync();
                await Eventually.Within(client.WaitForCloseAsync());
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // The reset can overtake the client's own view of its finished handshake.
            }
        }
        Eventually.True(() => proxy.Proxy.Connections.Rejected == 3, () => $"rejected={proxy.Proxy.Connections.Rejected}");

        a.Restart(); // both still in their one-minute cooldown: the last resort finds a at once
        Assert.Equal("a", await HttpBackend.AskAsync(proxy));
        proxy.WaitUntilIdle();
    }

    [Fact]
    public async Task ConnectTimeout_ServerThatNeverAccepts_ClientIsServedByTheNext_AndLaterClientsSkipIt()
    {
        using var blackHole = BlackHole.Listen(out var stuck);
        using var good = new HttpBackend("good");
        var blackHoleEndPoint = (IPEndPoint)blackHole.LocalEndPoint!;
        using var proxy = new TestProxy([blackHoleEndPoint, good.EndPoint], new() { ConnectTimeout = TimeSpan.FromMilliseconds(500) });
        try
        {
            Assert.Equal("good", await HttpBackend.AskAsync(proxy)); // tried the black hole first
            Assert.Contains($"msg=\"server down\" server={blackHoleEndPoint} cooldown=10s reason=timeout", proxy.LogText);
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal("good", await HttpBackend.AskAsync(proxy));
            }
            Assert.Equal(1, proxy.Proxy.Routes.Servers[0].State.ConnectFailures);
        }
        finally
        {
            stuck.ForEach(s => s.Dispose());
        }
    }
}
