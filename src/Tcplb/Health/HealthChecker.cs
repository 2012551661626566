using Tcplb.Backends;
using Tcplb.Configuration;
using Tcplb.Infrastructure;

namespace Tcplb.Health;

/// <summary>
/// Active health checks (<c>--check-interval</c>): every server address is checked every interval, jittered by
/// ±10% so that checks do not line up; <c>--check-fall</c> failures in a row mark it down, <c>--check-rise</c>
/// passes in a row mark it up, and each change is logged once. No thread or timer of its own: the timeout
/// thread calls <see cref="Tick"/> every 100 ms, which starts the checks that are due and ends those past their
/// limit. Only the first worker process runs it: results go to the shared state table, which every worker reads.
/// </summary>
internal sealed class HealthChecker
{
    private readonly Func<Backend[]> _servers;
    private readonly CheckPlan _plan;
    private readonly TimeProvider _time;
    private readonly Log _log;
    private readonly Random _random;
    private readonly long _intervalTicks;
    private readonly int _fall;
    private readonly int _rise;
    private readonly Dictionary<BackendState, Probe> _probes = [];
    private Backend[] _known = [];

    /// <param name="servers">The current servers (of every pool); read each tick, so a reload is followed.</param>
    public HealthChecker(Settings settings, Func<Backend[]> servers, TimeProvider time, Random random, Log log)
    {
        _servers = servers;
        _plan = CheckPlan.From(settings, time);
        _time = time;
        _log = log;
        _random = random;
        _intervalTicks = time.Ticks(settings.CheckInterval);
        _fall = settings.CheckFall;
        _rise = settings.CheckRise;
    }

    /// <summary>The probe of each server address followed so far (for the status and for tests).</summary>
    internal IReadOnlyCollection<Probe> Probes => _probes.Values;

    /// <summary>One pass, from the timeout thread: follows the server list, ends overdue checks, starts due ones.</summary>
    public void Tick(long now)
    {
        Follow(_servers(), now);
        foreach (var probe in _probes.Values)
        {
            if (probe.Running)
            {
                probe.Expire(now);
            }
            else if (now >= probe.NextDue)
            {
                probe.NextDue = now + Jittered(_intervalTicks);
                probe.Start(now);
            }
        }
    }

    /// <summary>A probe per address; a new server is first checked at a random point of its first interval.</summary>
    private void Follow(Backend[] servers, long now)
    {
        if (ReferenceEquals(servers, _known))
        {
            return;
        }
        var listed = new HashSet<BackendState>();
        foreach (var server in servers)
        {
            listed.Add(server.State);
            if (_probes.TryGetValue(server.State, out var probe))
            {
                probe.Server = server;
                continue;
            }
            _probes.Add(server.State, new Probe(server, _plan, Finished) { NextDue = now + (long)(_random.NextDouble() * _intervalTicks) });
        }
        foreach (var state in _probes.Keys)
        {
            if (!listed.Contains(state))
            {
                _probes.Remove(state); // a check still running reports to a state no list holds: harmless
            }
        }
        _known = servers;
    }

    private long Jittered(long ticks) => (long)(ticks * (0.9 + 0.2 * _random.NextDouble()));

    private void Finished(Probe probe, CheckOutcome outcome, long ticks)
    {
        var server = probe.Server;
        switch (server.State.RecordCheck(outcome, ticks, _time.GetTimestamp(), _fall, _rise))
        {
            case HealthChange.Down:
                _log.Warn("server down", ("server", server.Name), ("reason", "check"), ("detail", CheckOutcomeNames.Of(outcome)));
                break;
            case HealthChange.Up:
                _log.Info("server up", ("server", server.Name), ("reason", "check"));
                break;
        }
    }
}
