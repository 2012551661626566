using System.Net;
using Tcplb.Backends;
using Tcplb.Configuration;
using Tcplb.Health;
using Tcplb.Infrastructure;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Health;

/// <summary>When checks run: spread over the first interval, then every interval ±10%, one at a time per address.</summary>
public class HealthCheckerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    [Fact]
    public void Checks_StartSpreadOverTheFirstInterval_ThenComeEveryIntervalJitteredByTenPercent()
    {
        var log = new FakeLog();
        // Addresses nothing listens on: the checks fail fast, and their outcome does not matter here.
        var servers = Enumerable.Range(0, 20)
            .Select(i => new Backend(new IPEndPoint(IPAddress.Loopback, TcplbProcess.FreePort()), $"s{i}", 1)).ToArray();
        var checker = new HealthChecker(new Settings { CheckInterval = Interval, CheckTimeout = TimeSpan.FromSeconds(1) }, () => servers,
            log.Time, new Random(9), log.Log);
        var start = log.Time.GetTimestamp();
        checker.Tick(start);
        var firstDue = checker.Probes.Select(p => p.NextDue - start).ToArray();
        Assert.Equal(20, firstDue.Length);
        Assert.All(firstDue, due => Assert.InRange(due, 0, log.Time.Ticks(Interval)));
        Assert.True(firstDue.Distinct().Count() > 15, "the first checks should not line up");

        log.Time.Advance(Interval);
        var now = log.Time.GetTimestamp();
        checker.Tick(now); // every check is due now
        Eventually.True(() => checker.Probes.All(p => !p.Running));
        var nextDue = checker.Probes.Select(p => p.NextDue - now).ToArray();
        Assert.All(nextDue, due => Assert.InRange(due, log.Time.Ticks(Interval * 0.9), log.Time.Ticks(Interval * 1.1)));
        Assert.True(nextDue.Distinct().Count() > 15, "jitter should spread them");
        Assert.All(servers, s => Assert.Equal(CheckOutcome.Refused, s.State.LastCheck));
    }

    [Fact]
    public void Follow_AReloadedListAddsAndDropsProbes_AndKeepsThoseOfServersThatStay()
    {
        var log = new FakeLog();
        var servers = Servers.Make(3);
        var current = servers;
        var checker = new HealthChecker(new Settings { CheckInterval = Interval }, () => current, log.Time, new Random(1), log.Log);
        checker.Tick(log.Time.GetTimestamp());
        var kept = checker.Probes.Single(p => p.Server == servers[1]);
        current = [servers[1], .. Servers.Make(4).Skip(3)];
        checker.Tick(log.Time.GetTimestamp());
        Assert.Equal(2, checker.Probes.Count);
        Assert.Contains(kept, checker.Probes);
    }
}
