using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Balancing;

/// <summary>maxconn, the first-in first-out queue and the slow start, as the pool applies them.</summary>
public class BackendPoolLimitTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly StringWriter _log = new();

    private BackendPool Pool(Backend[] servers, IBalancePolicy? policy = null, bool checks = false, TimeSpan slowStart = default) =>
        new(servers, policy ?? new RoundRobinPolicy(), TimeSpan.FromSeconds(10), _time, new Log(_log, LogLevel.Debug, _time), checks, slowStart);

    private static Backend[] Limited(int count, int maxConnections) =>
        [.. Servers.Make(count).Select(s => new Backend(s.EndPoint, s.Host, s.Weight) { MaxConnections = maxConnections })];

    private static ConnectAttempt Attempt()
    {
        var attempt = new ConnectAttempt();
        attempt.Begin(0);
        return attempt;
    }

    [Fact]
    public void Pick_SkipsAServerAtItsLimit_AndSaysWaitWhenAllAre()
    {
        var servers = Limited(2, 1);
        var pool = Pool(servers);
        Assert.Same(servers[0], pool.Pick(Attempt()));
        Assert.Same(servers[1], pool.Pick(Attempt()));
        var third = Attempt();
        Assert.Null(pool.Pick(third));
        Assert.True(third.MustWait);
        Assert.Equal(0, third.Tries); // a full server is not tried, so the client may have it later
    }

    [Fact]
    public void FreedSlots_GoToWaitingClients_FirstInFirstOut_AndNewcomersQueueBehindThem()
    {
        var servers = Limited(1, 1);
        var pool = Pool(servers);
        Assert.NotNull(pool.Pick(Attempt()));
        var turns = new List<(int Client, Backend? Server)>();
        var waiters = Enumerable.Range(0, 3).Select(i => new WaitNode(new Waiter(i, turns), Attempt())).ToArray();
        foreach (var waiter in waiters)
        {
            Assert.Null(pool.Pick(waiter.Attempt));
            pool.Enqueue(waiter);
        }
        Assert.Equal(3, pool.Waiting.Count);
        pool.ReturnSlot(servers[0]); // the connection ends: its slot goes to the first waiter
        var newcomer = Attempt();
        Assert.Null(pool.Pick(newcomer)); // no slot is free anyway, and it must not pass those waiting
        Assert.True(newcomer.MustWait);
        pool.ReportClosed(servers[0], 0, 0);
        pool.ReportClosed(servers[0], 0, 0);
        Assert.Equal([(0, servers[0]), (1, servers[0]), (2, servers[0])], turns);
        Assert.Equal((0, 1), (pool.Waiting.Count, servers[0].State.Slots));
    }

    [Fact]
    public void WaitingClient_WhoseServersAllWentDown_GetsItsTurnWithNoServer_AndATimedOutOneLeaves()
    {
        var servers = Limited(1, 1);
        var pool = Pool(servers);
        Assert.NotNull(pool.Pick(Attempt()));
        var turns = new List<(int Client, Backend? Server)>();
        var first = new WaitNode(new Waiter(0, turns), Attempt()) { Deadline = _time.GetTimestamp() + 100 };
        var second = new WaitNode(new Waiter(1, turns), Attempt()) { Deadline = _time.GetTimestamp() + 100 };
        pool.Enqueue(first);
        pool.Enqueue(second);
        Assert.False(pool.Waiting.TryRemoveExpired(first, _time.GetTimestamp()));
        Assert.True(pool.Waiting.TryRemoveExpired(first, _time.GetTimestamp() + 100));
        pool.ReportConnectFailure(servers[0], "refused"); // down, its slot free: the waiter's turn comes, with it as the last resort
        Assert.Equal([(1, (Backend?)servers[0])], turns);
        Assert.False(pool.Waiting.TryRemove(second));
    }

    [Fact]
    public void WithChecks_AServerDownAfterAFailedConnect_StaysDownPastItsCooldown()
    {
        var servers = Servers.Make(2);
        var pool = Pool(servers, checks: true);
        pool.ReportConnectFailure(servers[0], "refused");
        Assert.Contains("msg=\"server down\" server=10.0.0.1:80 reason=refused until=\"checks pass\"", _log.ToString());
        _time.Advance(TimeSpan.FromMinutes(10));
        for (var i = 0; i < 4; i++)
        {
            Assert.Same(servers[1], pool.Pick(Attempt()));
        }
    }

    [Fact]
    public void SlowStart_ServerThatCameBack_GetsATenthOfItsShare_RisingToAllOfIt()
    {
        var servers = Servers.Make(2);
        var pool = Pool(servers, slowStart: TimeSpan.FromSeconds(100));
        pool.ReportConnectFailure(servers[1], "refused");
        _time.Advance(TimeSpan.FromSeconds(10)); // the cooldown is over
        Assert.Same(servers[1], PickUntil(pool, servers[1]));
        pool.ReportConnected(servers[1]); // "server up": its ramp starts
        Assert.InRange(Share(pool, servers[1]), 0.07, 0.11); // weight 0.1 against 1: 1/11
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.InRange(Share(pool, servers[1]), 0.32, 0.38); // 0.55 against 1
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(0.5, Share(pool, servers[1])); // the ramp is over: plain round robin again
    }

    [Theory]
    [InlineData("least-conn")]
    [InlineData("random2")]
    public void SlowStart_LoadAwarePolicies_KeepARampingServerAtATenthOfTheLoad(string policy)
    {
        var servers = Servers.Make(2);
        Assert.True(BalancePolicyNames.TryParse(policy, out var chosen));
        var pool = Pool(servers, BalancePolicies.Create(chosen, new Random(3)), slowStart: TimeSpan.FromSeconds(100));
        pool.Replace([servers[0], .. Servers.Make(3).Skip(2)]); // a server added by a reload ramps too
        var added = pool.Servers[1];
        for (var i = 0; i < 220; i++)
        {
            var attempt = Attempt();
            pool.ReportConnected(pool.Pick(attempt)!); // connections that stay open
        }
        Assert.InRange(added.State.Active, 14, 26); // 220 / 11 = 20
    }

    private static Backend PickUntil(BackendPool pool, Backend wanted)
    {
        for (var i = 0; i < 10; i++)
        {
            var pick = pool.Pick(Attempt())!;
            pick.State.ReturnSlot();
            if (pick == wanted)
            {
                return pick;
            }
        }
        throw new InvalidOperationException("never picked");
    }

    private static double Share(BackendPool pool, Backend server)
    {
        const int picks = 10_000;
        var hits = 0;
        for (var i = 0; i < picks; i++)
        {
            var pick = pool.Pick(Attempt())!;
            pick.State.ReturnSlot();
            hits += pick == server ? 1 : 0;
        }
        return hits / (double)picks;
    }

    private sealed class Waiter(int client, List<(int, Backend?)> turns) : IQueueWaiter
    {
        public void TurnCame(Backend? server) => turns.Add((client, server));
    }
}
