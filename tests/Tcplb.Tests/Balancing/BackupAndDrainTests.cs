using System.Net;
using System.Text;
using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.SharedState;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Balancing;

/// <summary>The <c>backup</c> and <c>drain</c> words of the hosts file, as the pool picks with them and as a reload changes them.</summary>
public class BackupAndDrainTests
{
    private readonly FakeLog _log = new();

    private BackendPool Pool(Backend[] servers, IBalancePolicy? policy = null) =>
        new(servers, policy ?? new RoundRobinPolicy(), TimeSpan.FromSeconds(10), _log.Time, _log.Log);

    private static Backend With(Backend server, bool backup = false, bool draining = false, int maxConnections = 0) =>
        new(server.EndPoint, server.Host, server.Weight) { Backup = backup, Draining = draining, MaxConnections = maxConnections };

    private static Backend? PickFresh(BackendPool pool, ulong clientHash = 0)
    {
        var attempt = new ConnectAttempt();
        attempt.Begin(clientHash);
        return pool.Pick(attempt);
    }

    [Theory]
    [InlineData("round-robin")]
    [InlineData("least-conn")]
    [InlineData("random2")]
    [InlineData("source-hash")]
    public void Pick_WhilePrimariesAreUsable_NeverGivesABackup(string policy)
    {
        var made = Servers.Make(4);
        Backend[] servers = [made[0], With(made[1], backup: true), made[2], With(made[3], backup: true)];
        var pool = Pool(servers, Policy(policy));
        for (var client = 0UL; client < 200; client++)
        {
            Assert.False(PickFresh(pool, client * 0x9E3779B97F4A7C15)!.Backup);
        }
    }

    [Fact]
    public void Pick_EveryPrimaryInCooldown_GoesToTheBackupsInTurn_AndBackWhenAPrimaryIsUp()
    {
        var made = Servers.Make(4);
        Backend[] servers = [made[0], made[1], With(made[2], backup: true), With(made[3], backup: true)];
        var pool = Pool(servers);
        pool.ReportConnectFailure(servers[0], "refused");
        pool.ReportConnectFailure(servers[1], "refused");

        var picks = Enumerable.Range(0, 4).Select(_ => PickFresh(pool)).ToList();
        Assert.Equal((2, 2), (picks.Count(p => p == servers[2]), picks.Count(p => p == servers[3])));

        _log.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(PickFresh(pool)!.Backup);
    }

    [Fact]
    public void Pick_AClientWhosePrimaryFails_RetriesOnABackup()
    {
        var made = Servers.Make(2);
        Backend[] servers = [made[0], With(made[1], backup: true)];
        var pool = Pool(servers);
        var attempt = new ConnectAttempt();
        attempt.Begin(0);
        Assert.Same(servers[0], pool.Pick(attempt));
        pool.ReportConnectFailure(servers[0], "refused");
        Assert.Same(servers[1], pool.Pick(attempt));
    }

    [Fact]
    public void Pick_PrimariesOnlyFull_WaitsForThemInsteadOfUsingABackup()
    {
        var made = Servers.Make(2);
        Backend[] servers = [With(made[0], maxConnections: 1), With(made[1], backup: true)];
        var pool = Pool(servers);
        Assert.Same(servers[0], PickFresh(pool));
        var attempt = new ConnectAttempt();
        attempt.Begin(0);
        Assert.Null(pool.Pick(attempt));
        Assert.True(attempt.MustWait);
    }

    [Fact]
    public void Pick_NeverGivesADrainingServer_EvenAsTheLastResort()
    {
        var made = Servers.Make(3);
        Backend[] servers = [With(made[0], draining: true), made[1], With(made[2], backup: true, draining: true)];
        var pool = Pool(servers);
        for (var i = 0; i < 10; i++)
        {
            Assert.Same(servers[1], PickFresh(pool));
        }
        pool.ReportConnectFailure(servers[1], "refused");
        var attempt = new ConnectAttempt();
        attempt.Begin(0);
        Assert.Same(servers[1], pool.Pick(attempt)); // the last resort is the primary in cooldown, not a draining one
        Assert.Null(pool.Pick(attempt));
    }

    [Fact]
    public void CarryOver_AddingOrRemovingTheWords_MakesANewEntryWithTheSameState()
    {
        var server = Servers.Make(1)[0];
        server.State.MarkConnected();
        var (next, _, _) = Backend.CarryOver([server], [With(server, draining: true)]);
        Assert.True(next[0].Draining);
        Assert.Same(server.State, next[0].State);
        var (back, _, _) = Backend.CarryOver(next, [With(server, backup: true)]);
        Assert.Equal((false, true, 1), (back[0].Draining, back[0].Backup, back[0].State.Active));
    }

    [Fact]
    public async Task Drain_ByReload_KeepsTheLiveConnection_AndSendsNewClientsElsewhere()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        var serverA = new Backend(a.EndPoint, a.EndPoint.ToString(), 1);
        using var proxy = new TestProxy([serverA]);
        using var established = await proxy.ConnectAsync();
        Eventually.True(() => proxy.Proxy.Routes.Servers[0].State.Active == 1, () => "not connected to a");

        proxy.Proxy.Routes.Replace([With(serverA, draining: true), new Backend(b.EndPoint, b.EndPoint.ToString(), 1)]);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("b", await HttpBackend.AskAsync(proxy));
        }
        var status = proxy.Proxy.Status().Servers;
        Assert.Equal(["draining", "up"], status.Select(s => s.State));
        Assert.Equal(1, status[0].Active); // what an operator watches reach 0
        await established.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        Assert.EndsWith("a\n", Encoding.ASCII.GetString(await Eventually.Within(established.ReadToEndAsync())));
    }

    [Fact]
    public async Task Backup_OverIPv6_ServesWhileThePrimaryIsDown_AndShowsAsBackup()
    {
        using var backup = new HttpBackend("backup");
        using var primary = new HttpBackend("primary");
        primary.Stop();
        var down = new IPEndPoint(IPAddress.IPv6Loopback, primary.Port);
        var backupOn6 = new IPEndPoint(IPAddress.IPv6Loopback, backup.Port);
        using var proxy = new TestProxy([new Backend(down, down.ToString(), 1), new Backend(backupOn6, backupOn6.ToString(), 1) { Backup = true }]);
        Assert.Equal(["up", "backup"], proxy.Proxy.Status().Servers.Select(s => s.State));

        Assert.Equal("backup", await HttpBackend.AskAsync(proxy)); // the primary refuses: the client is retried on the backup
        Assert.Equal("backup", await HttpBackend.AskAsync(proxy));
        Assert.Equal(["cooldown", "backup"], proxy.Proxy.Status().Servers.Select(s => s.State));
    }

    private static IBalancePolicy Policy(string name) =>
        BalancePolicyNames.TryParse(name, out var policy) ? BalancePolicies.Create(policy, new Random(1), new RouteState()) : throw new ArgumentException(name);
}
