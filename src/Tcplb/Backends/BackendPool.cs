using Tcplb.Balancing;
using Tcplb.Runtime;

namespace Tcplb.Backends;

/// <summary>
/// The current servers, as an immutable array behind a volatile field that a reload swaps whole.
/// Picks a server for each connect attempt: the policy chooses among servers not in cooldown and not yet
/// tried for this client; when none is left, the server whose cooldown ends first is tried anyway (the
/// last resort), so a recovered server serves at once. Also turns connect results into health events.
/// </summary>
internal sealed class BackendPool
{
    private readonly IBalancer _balancer;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cooldown;
    private readonly Log _log;
    private volatile Backend[] _servers;

    public BackendPool(IReadOnlyList<Backend> servers, IBalancer balancer, TimeSpan cooldown, TimeProvider time, Log log)
    {
        _servers = [.. servers];
        _balancer = balancer;
        _cooldown = cooldown;
        _time = time;
        _log = log;
    }

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
            if (server.IsAvailable(now))
            {
                available[count++] = server;
            }
            else if (lastResort is null || server.DownUntil < lastResort.DownUntil)
            {
                lastResort = server;
            }
        }
        var pick = count > 0 ? _balancer.Pick(available[..count], attempt.ClientHash) : lastResort;
        if (pick is not null)
        {
            attempt.MarkTried(pick);
        }
        return pick;
    }

    public void ReportConnectFailure(Backend server, string reason)
    {
        var cooldown = server.MarkFailed(_time.GetTimestamp(), _cooldown, _time.TimestampFrequency);
        if (cooldown is not null)
        {
            _log.Warn("server down", ("server", server.Name), ("cooldown", cooldown.Value), ("reason", reason));
        }
    }

    public void ReportConnected(Backend server)
    {
        if (server.MarkConnected())
        {
            _log.Info("server up", ("server", server.Name));
        }
    }

    /// <summary>
    /// Installs a new server list. A server whose address stays keeps its instance, and so its health,
    /// counters and live connections; removed servers keep serving the connections they hold.
    /// </summary>
    public (int Added, int Removed) Replace(IReadOnlyList<Backend> fresh)
    {
        var current = _servers.ToDictionary(s => s.Name);
        var next = new Backend[fresh.Count];
        var added = 0;
        for (var i = 0; i < fresh.Count; i++)
        {
            if (current.Remove(fresh[i].Name, out var kept))
            {
                kept.Weight = fresh[i].Weight;
                next[i] = kept;
            }
            else
            {
                next[i] = fresh[i];
                added++;
            }
        }
        _servers = next;
        return (added, current.Count);
    }
}
