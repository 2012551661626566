using System.Net;
using System.Net.Sockets;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary>Active checks on real sockets: servers are taken out and brought back with no client traffic.</summary>
public class HealthCheckTests
{
    private static readonly Tcplb.Configuration.Settings Checks = new()
    {
        CheckInterval = TimeSpan.FromMilliseconds(100),
        CheckTimeout = TimeSpan.FromSeconds(1), // generous: a check slowed by a busy machine must not read as a timeout
        CheckFall = 2,
        CheckRise = 2,
    };

    [Fact]
    public async Task SendExpect_ServerThatAcceptsButNeverAnswers_IsTakenOut_WithoutAnyClient()
    {
        using var silent = new ScriptedBackend(socket => socket.WaitForCloseAsync());
        using var pong = new ScriptedBackend(async socket =>
        {
            await socket.ReadExactlyAsync(6);
            await socket.SendAsync("+PONG\r\n"u8.ToArray());
            await socket.WaitForCloseAsync();
        });
        var settings = Checks with { CheckSend = "PING\r\n"u8.ToArray(), CheckExpect = "+PONG"u8.ToArray() };
        using var proxy = new TestProxy([silent.EndPoint, pong.EndPoint], settings);
        Eventually.True(() => proxy.LogText.Contains($"msg=\"server down\" server={silent.EndPoint} reason=check detail=timeout"), () => proxy.LogText);
        var status = proxy.Proxy.Status();
        Assert.Equal(0, status.TotalConnections);
        Assert.Equal((false, "timeout"), (status.Servers[0].Up, status.Servers[0].LastCheck));
        Assert.Equal((true, "passed"), (status.Servers[1].Up, status.Servers[1].LastCheck));
        Assert.True(status.Servers[0].CheckFailures >= 2);
        Assert.DoesNotContain($"server={pong.EndPoint}", proxy.LogText);
    }

    [Fact]
    public async Task SendExpect_WrongAnswer_IsAMismatch()
    {
        using var wrong = new ScriptedBackend(async socket =>
        {
            await socket.SendAsync("-ERR\r\n"u8.ToArray());
            await socket.WaitForCloseAsync();
        });
        using var proxy = new TestProxy([wrong.EndPoint], Checks with { CheckExpect = "+OK"u8.ToArray() });
        Eventually.True(() => proxy.LogText.Contains("reason=check detail=mismatch"), () => proxy.LogText);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task ConnectCheck_RefusedServer_GoesDown_AndComesBackWhenItListensAgain()
    {
        var port = TcplbProcess.FreePort();
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        using var proxy = new TestProxy([endPoint], Checks);
        Eventually.True(() => proxy.LogText.Contains($"msg=\"server down\" server={endPoint} reason=check detail=refused"), () => proxy.LogText);
        using var back = ScriptedBackend.Echo(port);
        Eventually.True(() => proxy.LogText.Contains($"msg=\"server up\" server={endPoint} reason=check"), () => proxy.LogText);
        Assert.True(proxy.Proxy.Status().Servers[0].Up);
        using var client = await proxy.ConnectAsync();
        await client.SendAsync("x"u8.ToArray());
        Assert.Equal("x"u8.ToArray(), await Eventually.Within(client.ReadExactlyAsync(1)));
    }
}
