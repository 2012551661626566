using System.Net;
using System.Net.Sockets;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary>Active checks on real sockets: servers are taken out and brought back with no client traffic.</summary>
public class HealthCheckTests
{
    private static readonly Tcplb.Configuration.Settings Checks = FastChecks.Settings;

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
        Assert.Equal((0, 1), (status.TotalConnections, status.SlicesInUse)); // checks are no clients and take no slice (1: the listener's spare)
        Assert.Equal((false, "timeout"), (status.Servers[0].Up, status.Servers[0].LastCheck));
        Assert.Equal((true, "passed"), (status.Servers[1].Up, status.Servers[1].LastCheck));
        Assert.True(status.Servers[0].CheckFailures >= 2);
        Assert.DoesNotContain($"server={pong.EndPoint}", proxy.LogText);
    }

    [Fact]
    public void SendExpect_ExpectedBytesDeepInTheAnswer_Pass_AndAnAnswerWithoutThemIsAMismatch_AsRedisRolesAre()
    {
        using var replica = InfoReplication("role:slave\r\nmaster_host:127.0.0.1\r\n");
        using var master = InfoReplication("role:master\r\nconnected_slaves:1\r\n");
        var settings = Checks with { CheckSend = "INFO replication\r\nQUIT\r\n"u8.ToArray(), CheckExpect = "role:master"u8.ToArray() };
        using var proxy = new TestProxy([replica.EndPoint, master.EndPoint], settings);
        Eventually.True(() => proxy.LogText.Contains($"server={replica.EndPoint} reason=check detail=mismatch"), () => proxy.LogText);
        Eventually.True(() => proxy.Proxy.Status().Servers[1].LastCheck == "passed");
        Assert.DoesNotContain($"server={master.EndPoint}", proxy.LogText);
    }

    /// <summary>Answers as Redis does <c>INFO replication</c> then <c>QUIT</c>: a bulk string with the role inside, then closes.</summary>
    private static ScriptedBackend InfoReplication(string fields) => new(async socket =>
    {
        await socket.ReadExactlyAsync("INFO replication\r\nQUIT\r\n".Length);
        var info = "# Replication\r\n" + fields;
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes($"${info.Length}\r\n{info}\r\n+OK\r\n"));
    });

    [Fact]
    public void ExpectAlone_ServersThatSpeakFirst_PassWithTheRightGreeting_AndAWrongOneIsAMismatch()
    {
        using var wrong = Greeting("-ERR not ready\r\n");
        using var right = Greeting("+OK ready\r\n");
        using var proxy = new TestProxy([wrong.EndPoint, right.EndPoint], Checks with { CheckExpect = "+OK"u8.ToArray() });
        Eventually.True(() => proxy.LogText.Contains($"server={wrong.EndPoint} reason=check detail=mismatch"), () => proxy.LogText);
        Eventually.True(() => proxy.Proxy.Status().Servers[1].LastCheck == "passed");
        Assert.True(proxy.Proxy.Status().Servers[1].Up);
    }

    /// <summary>Greets, then closes: a check reads on until the expected bytes come or the answer ends.</summary>
    private static ScriptedBackend Greeting(string greeting) => new(socket =>
        socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(greeting)));

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
