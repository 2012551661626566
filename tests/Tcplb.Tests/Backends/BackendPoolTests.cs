using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Runtime;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Backends;

public class BackendPoolTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly StringWriter _log = new();
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(10);

    private BackendPool Pool(Backend[] servers, int failThreshold = 1) =>
        new(servers, new RoundRobinPolicy(), Base, _time, new Log(_log, LogLevel.Debug, _time), failThreshold: failThreshold);

    [Fact]
    public void ReportConnectFailure_WithAFailThreshold_TakesTheServerDownOnlyAtThatManyFailuresInARow()
    {
        var servers = Servers.Make(2);
        var pool = Pool(servers, failThreshold: 3);
        pool.ReportConnectFailure(servers[0], "refused");
        pool.ReportConnectFailure(servers[0], "refused");
        Assert.True(servers[0].State.IsAvailable(_time.GetTimestamp()));
        Assert.DoesNotContain("server down", _log.ToString());
        pool.ReportConnectFailure(servers[0], "refused");
        Assert.False(servers[0].State.IsAvailable(_time.GetTimestamp()));
        Assert.Contains("msg=\"server down\" server=10.0.0.1:80 cooldown=10s reason=refused", _log.ToString());
    }

    [Fact]
    public void ReportConnected_BetweenFailures_StartsTheThresholdsCountAgain()
    {
        var servers = Servers.Make(1);
        var pool = Pool(servers, failThreshold: 2);
        pool.ReportConnectFailure(servers[0], "refused");
        pool.ReportConnected(servers[0], _time.GetTimestamp());
        pool.ReportConnectFailure(servers[0], "refused");
        Assert.True(servers[0].State.IsAvailable(_time.GetTimestamp()));
    }

    [Fact]
    public void Pick_SkipsServersTriedForThisClient_ThenGivesUp()
    {
        var servers = Servers.Make(3);
        var pool = Pool(servers);
        var attempt = new ConnectAttempt();
        attempt.Begin(0);
        var picks = new[] { pool.Pick(attempt), pool.Pick(attempt), pool.Pick(attempt) };
        Assert.Equal(servers.ToHashSet(), picks.Select(p => p!).ToHashSet());
        Assert.Null(pool.Pick(attempt));
        Assert.Equal(3, attempt.Tries);
    }

    [Fact]
    public void Pick_EveryServerDown_ALastResortPrefersOneAClientConnectTookDown_ToOneItsChecksFoundDown()
    {
        var servers = Servers.Make(2);
        var pool = Pool(servers);
        for (var i = 0; i < 3; i++)
        {
            servers[0].State.RecordCheck(CheckOutcome.Refused, 1, _time.GetTimestamp(), fall: 3, rise: 2);
        }
        servers[1].State.MarkFailedUntilChecked();
        var attempt = new ConnectAttempt();
        attempt.Begin(0);
        Assert.Same(servers[1], pool.Pick(attempt));
    }

    [Fact]
    public void Pick_WithRetries_TriesAtMostRetriesPlusOneServers_AndDoesNotQueue()
    {
        var servers = Servers.Make(5);
        var pool = Pool(servers);
        var attempt = new ConnectAttempt { MaxTries = 2 };
        attempt.Begin(0);
        Assert.NotNull(pool.Pick(attempt));
        Assert.NotNull(pool.Pick(attempt));
        Assert.Null(pool.Pick(attempt));
        Assert.False(attempt.MustWait);
        Assert.Equal(2, attempt.Tries);
    }

    [Fact]
    public void Pick_SkipsServersInCooldown()
    {
        var servers = Servers.Make(3);
        var pool = Pool(servers);
        pool.ReportConnectFailure(servers[1], "refused");
        var attempt = new ConnectAttempt();
        for (var i = 0; i < 10; i++)
        {
            attempt.Begin(0);
            Assert.NotSame(servers[1], pool.Pick(attempt));
        }
        Assert.Contains("level=warn msg=\"server down\" server=10.0.0.2:80 cooldown=10s reason=refused", _log.ToString());
    }

    [Fact]
    public void Pick_AllDown_TriesTheOneWhoseCooldownEndsFirst()
    {
        var servers = Servers.Make(3);
        var pool = Pool(servers);
        pool.ReportConnectFailure(servers[2], "refused");
        _time.Advance(TimeSpan.FromSeconds(1));
        pool.ReportConnectFailure(servers[0], "refused");
        pool.ReportConnectFailure(servers[1], "refused");
        var attempt = new ConnectAttempt();
        attempt.Begin(0);
        Assert.Same(servers[2], pool.Pick(attempt));
        Assert.Same(servers[0], pool.Pick(attempt));
    }

    [Fact]
    public void ReportConnected_RecordsTheServersConnectTime_FromTheStartOfTheAttempt()
    {
        var servers = Servers.Make(1);
        var pool = Pool(servers);
        var startedAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(3));
        pool.ReportConnected(servers[0], startedAt);
        var connectTime = servers[0].State.ConnectTime;
        Assert.Equal((0L, 1L, 1L), (connectTime.Cumulative[2], connectTime.Cumulative[3], connectTime.Count)); // le="0.0025", le="0.005"
        Assert.Equal(0.003, connectTime.SumSeconds, 5);
    }

    [Fact]
    public void ReportConnected_AfterFailure_LogsServerUpOnce()
    {
        var servers = Servers.Make(1);
        var pool = Pool(servers);
        pool.ReportConnectFailure(servers[0], "timeout");
        pool.ReportConnected(servers[0], _time.GetTimestamp());
        pool.ReportConnected(servers[0], _time.GetTimestamp());
        Assert.Single(_log.ToString().Split('\n'), line => line.Contains("msg=\"server up\" server=10.0.0.1:80"));
    }

    [Fact]
    public void Replace_KeepsTheStateOfServersThatRemain()
    {
        var servers = Servers.Make(3);
        var pool = Pool(servers);
        pool.ReportConnectFailure(servers[0], "refused");
        servers[1].State.MarkConnected();
        var fresh = Servers.Make(4, 1, 5, 1, 1).Skip(1).ToArray(); // 10.0.0.2 (weight 5), .3, .4 stay or arrive; .1 goes
        var (added, removed) = pool.Replace(fresh);
        Assert.Equal((1, 1), (added, removed));
        Assert.Same(servers[1].State, pool.Servers[0].State); // a new weight: a new entry, the same health and counters
        Assert.Equal((1, 5, 1), (pool.Servers[0].State.Active, pool.Servers[0].Weight, servers[1].Weight));
        Assert.Same(servers[2], pool.Servers[1]);
        Assert.Same(fresh[2], pool.Servers[2]);
    }
}
