using Tcplb.Backends;
using Tcplb.Infrastructure;

namespace Tcplb.Balancing;

/// <summary>
/// The current servers, as an immutable array behind a volatile field that a reload swaps whole.
/// Picks a server for each connect attempt: the policy chooses among servers not in cooldown, not at their
/// <c>maxconn</c>, not draining and not yet tried for this client, primaries first and <c>backup</c> servers only
/// when no primary is usable; when none is left, the server whose cooldown ends first is
/// tried anyway (the last resort), so a recovered server serves at once. When servers are only full, the client
/// waits in the pool's queue (<c>BackendPool.Queue.cs</c>) for a freed slot. Also turns connect results into health events.
/// </summary>
/// <remarks>Threading: <see cref="Pick"/> and the reports run on any connection's thread; <see cref="Replace"/> on the reload thread.</remarks>
internal sealed partial class BackendPool
{
    private readonly IBalancePolicy _policy;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cooldown;
    private readonly Log _log;
    private readonly bool _checksDecide;
    private readonly long _slowStartTicks;
    private readonly int _failThreshold;
    private volatile Backend[] _servers;

    /// <param name="checksDecide">Active checks are on: a server down after a failed connect comes back through them only.</param>
    /// <param name="slowStart">How long a server that comes up ramps to its full weight; zero: at once.</param>
    /// <param name="failThreshold">Failed connects in a row (in the whole group) that take a server down.</param>
    public BackendPool(IReadOnlyList<Backend> servers, IBalancePolicy policy, TimeSpan cooldown, TimeProvider time, Log log,
        bool checksDecide = false, TimeSpan slowStart = default, int failThreshold = 1)
    {
        _failThreshold = failThreshold;
        _servers = [.. servers];
        _policy = policy;
        _cooldown = cooldown;
        _time = time;
        _log = log;
        _checksDecide = checksDecide;
        _slowStartTicks = time.Ticks(slowStart);
        foreach (var server in _servers)
        {
            server.State.MarkUpSinceStart(); // the servers the balancer starts with do not ramp
        }
    }

    /// <summary>The current snapshot; never modified, only replaced.</summary>
    public Backend[] Servers => _servers;

    /// <summary>
    /// A server for the next connect of <paramref name="attempt"/>, with a slot taken on it; null when there is
    /// none (or the client's tries are used up), and then <see cref="ConnectAttempt.MustWait"/> says whether to queue. A client that has not waited
    /// yet queues behind those who wait, so that a freed slot goes to the first of them.
    /// </summary>
    public Backend? Pick(ConnectAttempt attempt)
    {
        if (attempt.Tries >= attempt.MaxTries)
        {
            attempt.MustWait = false; // --retries used up: the client is refused, not queued
            return null;
        }
        if (Waiting.Count > 0 && !attempt.HasWaited)
        {
            attempt.MustWait = true;
            return null;
        }
        return PickServer(attempt);
    }

    private Backend? PickServer(ConnectAttempt attempt)
    {
        var now = _time.GetTimestamp();
        var servers = _servers;
        var available = PickScratch.Candidates(servers.Length);
        var ramps = _slowStartTicks > 0 ? PickScratch.Ramps(servers.Length) : default;
        var count = 0;
        var ramping = false;
        var full = false;
        Backend? lastResort = null;
        // Primaries first; backups only when no primary is usable (none available and none merely full).
        for (var backups = 0; backups < 2 && count == 0 && !full; backups++)
        {
            foreach (var server in servers)
            {
                if (server.Draining || server.Backup != (backups == 1) || attempt.HasTried(server))
                {
                    continue;
                }
                if (server.MaxConnections > 0 && server.State.Slots >= server.MaxConnections)
                {
                    full |= server.State.IsAvailable(now);
                }
                else if (server.State.IsAvailable(now))
                {
                    if (!ramps.IsEmpty)
                    {
                        ramps[count] = server.State.RampPermille(now, _slowStartTicks);
                        ramping |= ramps[count] < 1000;
                    }
                    available[count++] = server;
                }
                else if (lastResort is null || server.State.DownUntil < lastResort.State.DownUntil)
                {
                    lastResort = server;
                }
            }
        }
        while (count > 0)
        {
            var pick = _policy.Pick(new Candidates(available[..count], ramping ? ramps[..count] : default), attempt.ClientHash);
            if (pick.State.TryTakeSlot(pick.MaxConnections))
            {
                return Tried(attempt, pick);
            }
            // Another connection took its last slot meanwhile: it is full now; choose among the others.
            full = true;
            var index = available[..count].IndexOf(pick);
            count--;
            available[index] = available[count];
            if (!ramps.IsEmpty)
            {
                ramps[index] = ramps[count];
            }
        }
        attempt.MustWait = full;
        return !full && lastResort is not null && lastResort.State.TryTakeSlot(lastResort.MaxConnections) ? Tried(attempt, lastResort) : null;
    }

    /// <summary>Whether a primary server (not a backup, not draining) is usable now: out of cooldown and up by its checks.</summary>
    public bool PrimaryUsable(long now)
    {
        foreach (var server in _servers)
        {
            if (!server.Backup && !server.Draining && server.State.IsAvailable(now))
            {
                return true;
            }
        }
        return false;
    }

    private static Backend Tried(ConnectAttempt attempt, Backend server)
    {
        attempt.MustWait = false;
        attempt.MarkTried(server);
        return server;
    }

    /// <summary>Records a failed connect (the server goes down) and gives its slot back, to a client of another server.</summary>
    public void ReportConnectFailure(Backend server, string reason)
    {
        if (_checksDecide)
        {
            if (server.State.MarkFailedUntilChecked(_failThreshold))
            {
                _log.Warn("server down", ("server", server.Name), ("reason", reason), ("until", "checks pass"));
            }
        }
        else if (server.State.MarkFailed(_time, _cooldown, _failThreshold) is { } cooldown)
        {
            _log.Warn("server down", ("server", server.Name), ("cooldown", cooldown), ("reason", reason));
        }
        ReturnSlot(server);
    }

    /// <summary>A connect to <paramref name="server"/> succeeded; its attempt started at <paramref name="attemptStartedAt"/>.</summary>
    public void ReportConnected(Backend server, long attemptStartedAt)
    {
        var now = _time.GetTimestamp();
        server.State.RecordConnectTime(_time.Microseconds(now - attemptStartedAt));
        if (server.State.MarkConnected(now, _checksDecide))
        {
            _log.Info("server up", ("server", server.Name));
        }
    }

    /// <summary>
    /// Installs a new server list. A server whose address stays keeps its state (<see cref="Backend.CarryOver"/>).
    /// Removed servers keep serving the connections they hold; a server new to the balancer ramps up (slow start)
    /// from the first pick that sees it.
    /// </summary>
    public (int Added, int Removed) Replace(IReadOnlyList<Backend> fresh)
    {
        var (next, added, removed) = Backend.CarryOver(_servers, fresh);
        _servers = next;
        return (added, removed.Count);
    }
}
