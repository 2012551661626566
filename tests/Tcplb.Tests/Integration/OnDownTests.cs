using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Configuration;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary>
/// <c>--on-down</c> on real sockets: when checks take a server down, <c>shutdown</c> resets the connections it
/// serves (reason <c>server-down</c>, counted) and spares the others; <c>keep</c> leaves them open. And
/// <c>--on-up shutdown-backup</c>: a primary back resets the backups' connections.
/// </summary>
public class OnDownTests
{
    private static readonly Settings Checks = FastChecks.Settings with { AccessLog = true };

    [Fact]
    public async Task Shutdown_ServerTakenDownByChecks_ItsClientsAreReset_LoggedAndCounted_OthersKeepGoing()
    {
        using var failing = ScriptedBackend.Echo();
        using var healthy = ScriptedBackend.Echo();
        var failingCheck = ScriptedBackend.Echo(); // its check port: closed to fail the checks while traffic still works
        using var healthyCheck = ScriptedBackend.Echo(); // so that the servers count client connections only
        Backend[] servers =
        [
            new(failing.EndPoint, failing.EndPoint.ToString(), 1) { CheckPort = failingCheck.EndPoint.Port },
            new(healthy.EndPoint, healthy.EndPoint.ToString(), 1) { CheckPort = healthyCheck.EndPoint.Port },
        ];
        using var proxy = new TestProxy(servers, Checks with { ResetOnServerDown = true });
        Eventually.True(() => proxy.Proxy.Status().Servers.All(s => s.LastCheck == "passed"));
        using var onFailing = await ConnectedTo(proxy, failing);
        using var onHealthy = await ConnectedTo(proxy, healthy);

        failingCheck.Dispose();
        Eventually.True(() => proxy.LogText.Contains($"msg=\"server down\" server={failing.EndPoint} reason=check detail=refused"), () => proxy.LogText);
        var error = await Assert.ThrowsAsync<SocketException>(() => Eventually.Within(onFailing.ReceiveAsync(new byte[1])));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        Eventually.True(() => proxy.LogText.Split('\n').Any(line =>
            line.Contains("msg=connection") && line.Contains($"server={failing.EndPoint}") && line.EndsWith("reason=server-down")), () => proxy.LogText);
        Assert.Equal(1, proxy.Proxy.Status().ServerDownResets);
        await onHealthy.SendAsync("ok"u8.ToArray());
        Assert.Equal("ok"u8.ToArray(), await Eventually.Within(onHealthy.ReadExactlyAsync(2)));
    }

    [Fact]
    public async Task Keep_ServerTakenDownByChecks_ItsClientsGoOn()
    {
        using var server = ScriptedBackend.Echo();
        var check = ScriptedBackend.Echo();
        using var proxy = new TestProxy([new Backend(server.EndPoint, server.EndPoint.ToString(), 1) { CheckPort = check.EndPoint.Port }], Checks);
        Eventually.True(() => proxy.Proxy.Status().Servers[0].LastCheck == "passed");
        using var client = await ConnectedTo(proxy, server);
        check.Dispose();
        Eventually.True(() => proxy.LogText.Contains($"msg=\"server down\" server={server.EndPoint} reason=check"), () => proxy.LogText);
        // A check that starts after the server went down: the tick that started it scanned the sessions first.
        Eventually.True(() => proxy.Proxy.Status().Servers[0].CheckFailures >= Checks.CheckFall + 1);
        await client.SendAsync("still"u8.ToArray());
        Assert.Equal("still"u8.ToArray(), await Eventually.Within(client.ReadExactlyAsync(5)));
        Assert.Equal(0, proxy.Proxy.Status().ServerDownResets);
    }

    [Fact]
    public async Task OnUpShutdownBackup_APrimaryComesBack_TheBackupsClientsAreReset()
    {
        using var primary = ScriptedBackend.Echo();
        using var backup = ScriptedBackend.Echo();
        var primaryCheckPort = TcplbProcess.FreePort(); // closed: the primary's checks fail until it listens
        using var backupCheck = ScriptedBackend.Echo();
        Backend[] servers =
        [
            new(primary.EndPoint, primary.EndPoint.ToString(), 1) { CheckPort = primaryCheckPort },
            new(backup.EndPoint, backup.EndPoint.ToString(), 1) { CheckPort = backupCheck.EndPoint.Port, Backup = true },
        ];
        using var proxy = new TestProxy(servers, Checks with { ResetBackupsOnPrimaryUp = true });
        Eventually.True(() => proxy.LogText.Contains($"msg=\"server down\" server={primary.EndPoint} reason=check"), () => proxy.LogText);
        using var onBackup = await ConnectedTo(proxy, backup);

        using var primaryCheck = ScriptedBackend.Echo(primaryCheckPort);
        var error = await Assert.ThrowsAsync<SocketException>(() => Eventually.Within(onBackup.ReceiveAsync(new byte[1])));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        Eventually.True(() => proxy.LogText.Split('\n').Any(line =>
            line.Contains("msg=connection") && line.Contains($"server={backup.EndPoint}") && line.EndsWith("reason=primary-up")), () => proxy.LogText);
        using var next = await ConnectedTo(proxy, primary);
    }

    /// <summary>
    /// A client relaying through the proxy to <paramref name="server"/> (the next connect goes to the other server
    /// otherwise); the server must count client connections only, its checks going to another port.
    /// </summary>
    private static async Task<Socket> ConnectedTo(TestProxy proxy, ScriptedBackend server)
    {
        for (var i = 0; i < 10; i++)
        {
            var before = server.Connections;
            var client = await proxy.ConnectAsync();
            await client.SendAsync("hi"u8.ToArray());
            Assert.Equal("hi"u8.ToArray(), await Eventually.Within(client.ReadExactlyAsync(2)));
            if (server.Connections > before)
            {
                return client;
            }
            client.Dispose();
        }
        throw new InvalidOperationException($"no connection reached {server.EndPoint}");
    }
}
