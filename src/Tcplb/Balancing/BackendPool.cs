using Tcplb.Backends;
using Tcplb.Infrastructure;

namespace Tcplb.Balancing;

/// <summary>
/// The current servers, as an immutable array behind a volatile field that a reload swaps whole.
/// Picks a server for each connect attempt: the policy chooses among servers not in cooldown and not yet
/// tried for this client; when none is left, the server whose cooldown ends first is tried anyway (the
/// last resort), so a recovered server serves at once. Also turns connect results into health events.
/// </summary>
/// <remarks>Threading: <see cref="Pick"/> and the reports run on any connection's thread; <see cref="Replace"/> on the reload thread.</remarks>
internal sealed class BackendPool
{
    private readonly IBalancePolicy _policy;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cooldown;
    private readonly Log _log;
    private volatile Backend[] _servers;

    public BackendPool(IReadOnlyList<Backend> servers, IBalancePolicy policy, TimeSpan cooldown, TimeProvider time, Log log)
    {
        _servers = [.. servers];
        _policy = policy;
        _cooldown = cooldown;
        _time = time;
        _log = log;
    }

    /// <summary>The current snapshot; never modified, only replaced.</summary>
    public Backend[] Servers => _servers;

    public Backend? Pick(ConnectAttempt attempt)
    {
        var now = _time.GetTimestamp();
        var servers = _servers;
        var available = attempt.Scratch(servers.Length);
        var count = 0;
        Backend? lastResort = null;
        foreach (var server in servers)
        {
            if (attempt.HasTried(server))
            {
                continue;
            }
            if (server.State.IsAvailable(now))
            {
                available[count++] = server;
            }
            else if (lastResort is null || server.State.DownUntil < lastResort.State.DownUntil)
            {
                lastResort = server;
            }
        }
        var pick = count > 0 ? _policy.Pick(available[..count], attempt.ClientHash) : lastResort;
        if (pick is not null)
        {
            attempt.MarkTried(pick);
        }
        return pick;
    }

    public void ReportConnectFailure(Backend server, string reason)
    {
        var cooldown = server.State.MarkFailed(_time, _cooldown);
        if (cooldown is not null)
        {
            _log.Warn("server down", ("server", server.Name), ("cooldown", cooldown.Value), ("reason", reason));
        }
    }

    public void ReportConnected(Backend server)
    {
        if (server.State.MarkConnected())
        {
            _log.Info("server up", ("server", server.Name));
        }
    }

    /// <summary>
    /// Installs a new server list. A server whose address stays keeps its state (<see cref="Backend.CarryOver"/>).
    /// Removed servers keep serving the connections they hold.
    /// </summary>
    public (int Added, int Removed) Replace(IReadOnlyList<Backend> fresh)
    {
        var (next, added, removed) = Backend.CarryOver(_servers, fresh);
        _servers = next;
        return (added, removed);
    }
}
