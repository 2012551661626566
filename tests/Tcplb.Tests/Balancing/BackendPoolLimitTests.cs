using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.SharedState;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Balancing;

/// <summary>maxconn, the first-in first-out queue and the slow start, as the pool applies them.</summary>
public class BackendPoolLimitTests
{
    private readonly FakeLog _log = new();
    private readonly List<(int Client, Backend? Server)> _turns = [];

    private FakeTimeProvider Time => _log.Time;

    private BackendPool Pool(Backend[] servers, IBalancePolicy? policy = null, bool checks = false, TimeSpan slowStart = default) =>
        new(servers, policy ?? new RoundRobinPolicy(), TimeSpan.FromSeconds(10), Time, _log.Log, checks, slowStart);

    /// <summary>A pool of one server with maxconn=1, its slot taken.</summary>
    private (BackendPool Pool, Backend Server) OneFullServer()
    {
        var servers = Limited(1, 1);
        var pool = Pool(servers);
        Assert.NotNull(pool.Pick(Attempt()));
        return (pool, servers[0]);
    }

    private WaitNode Waiter(int client) => new(new Turns(client, _turns), Attempt()) { Deadline = Time.GetTimestamp() + 100 };

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
        var (pool, server) = OneFullServer();
        foreach (var waiter in Enumerable.Range(0, 3).Select(Waiter))
        {
            Assert.Null(pool.Pick(waiter.Attempt));
            pool.Enqueue(waiter);
        }
        Assert.Equal(3, pool.Waiting.Count);
        pool.ReturnSlot(server); // the connection ends: its slot goes to the first waiter
        var newcomer = Attempt();
        Assert.Null(pool.Pick(newcomer)); // no slot is free anyway, and it must not pass those waiting
        Assert.True(newcomer.MustWait);
        pool.ReportClosed(server, 0, 0);
        pool.ReportClosed(server, 0, 0);
        Assert.Equal([(0, server), (1, server), (2, server)], _turns);
        Assert.Equal((0, 1), (pool.Waiting.Count, server.State.Slots));
    }

    [Fact]
    public void WaitingClient_WhenItsFullServerGoesDown_GetsItAsTheLastResort_AndATimedOutOneLeavesFirst()
    {
        var (pool, server) = OneFullServer();
        var first = Waiter(0);
        var second = Waiter(1);
        pool.Enqueue(first);
        pool.Enqueue(second);
        Assert.False(pool.Waiting.TryRemoveExpired(first, Time.GetTimestamp()));
        Assert.True(pool.Waiting.TryRemoveExpired(first, Time.GetTimestamp() + 100));
        pool.ReportConnectFailure(server, "refused"); // down, its slot free: the waiter's turn comes, with it as the last resort
        Assert.Equal([(1, (Backend?)server)], _turns);
        Assert.False(pool.Waiting.TryRemove(second));
    }

    [Fact]
    public void WithChecks_AServerDownAfterAFailedConnect_StaysDownPastItsCooldown()
    {
        var servers = Servers.Make(2);
        var pool = Pool(servers, checks: true);
        pool.ReportConnectFailure(servers[0], "refused");
        Assert.Contains("msg=\"server down\" server=10.0.0.1:80 reason=refused until=\"checks pass\"", _log.ToString());
        Time.Advance(TimeSpan.FromMinutes(10));
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
        Time.Advance(TimeSpan.FromSeconds(10)); // the cooldown is over
        Assert.Same(servers[1], PickUntil(pool, servers[1]));
        pool.ReportConnected(servers[1], Time.GetTimestamp()); // "server up": its ramp starts
        Assert.InRange(Share(pool, servers[1]), 0.07, 0.11); // weight 0.1 against 1: 1/11
        Time.Advance(TimeSpan.FromSeconds(50));
        Assert.InRange(Share(pool, servers[1]), 0.32, 0.38); // 0.55 against 1
        Time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(0.5, Share(pool, servers[1])); // the ramp is over: plain round robin again
    }

    [Theory]
    [InlineData("least-conn")]
    [InlineData("random2")]
    public void SlowStart_LoadAwarePolicies_KeepARampingServerAtATenthOfTheLoad(string policy)
    {
        var servers = Servers.Make(2);
        Assert.True(BalancePolicyNames.TryParse(policy, out var chosen));
        var pool = Pool(servers, BalancePolicies.Create(chosen, new Random(3), new RouteState()), slowStart: TimeSpan.FromSeconds(100));
        pool.Replace([servers[0], .. Servers.Make(3).Skip(2)]); // a server added by a reload ramps too
        var added = pool.Servers[1];
        for (var i = 0; i < 220; i++)
        {
            var attempt = Attempt();
            pool.ReportConnected(pool.Pick(attempt)!, Time.GetTimestamp()); // connections that stay open
        }
        Assert.InRange(added.State.Active, 14, 26); // 220 / 11 = 20
    }

    private static Backend PickUntil(BackendPool pool, Backend wanted)
    {
        for (var i = 0; i < 10; i++)
        {
            var pick = pool.Pick(Attempt())!;
            pick.State.ReturnSlot(pick.MaxConnections);
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
            pick.State.ReturnSlot(pick.MaxConnections);
            hits += pick == server ? 1 : 0;
        }
        return hits / (double)picks;
    }

    private sealed class Turns(int client, List<(int, Backend?)> turns) : IQueueWaiter
    {
        public void TurnCame(Backend? server) => turns.Add((client, server));
    }
}
