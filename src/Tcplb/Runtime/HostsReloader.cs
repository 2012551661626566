using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.Infrastructure;

namespace Tcplb.Runtime;

/// <summary>
/// Keeps the server list current: the hosts file is checked for changes every second (an edit in place or a
/// replacement by rename, as editors and Kubernetes ConfigMaps do), re-read on demand (SIGHUP), and its host
/// names are resolved again every <c>--resolve-interval</c>. A bad file is reported and ignored: the last good
/// list stays. Runs on a timer thread, never on the relay path; DNS may block it, nothing else.
/// </summary>
/// <remarks>Time comes from the <see cref="TimeProvider"/> given, so tests drive <see cref="Check"/> with a fake clock.</remarks>
internal sealed class HostsReloader : IDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly RouteTable _routes;
    private readonly HostsResolver _resolver;
    private readonly TimeProvider _time;
    private readonly Log _log;
    private readonly long _resolveIntervalTicks;
    private readonly ITimer _timer;
    private readonly Lock _busy = new();
    private IReadOnlyList<HostEntry> _entries;
    private (DateTime Written, long Length) _stamp;
    private long _lastResolve;
    private volatile bool _forced;

    public HostsReloader(string path, IReadOnlyList<HostEntry> entries, RouteTable routes, HostsResolver resolver, TimeSpan resolveInterval,
        TimeProvider time, Log log)
    {
        _path = path;
        _entries = entries;
        _routes = routes;
        _resolver = resolver;
        _time = time;
        _log = log;
        _resolveIntervalTicks = time.Ticks(resolveInterval);
        _lastResolve = time.GetTimestamp();
        _stamp = Stamp(path);
        _timer = time.CreateTimer(static state => ((HostsReloader)state!).Check(), this, CheckInterval, CheckInterval);
    }

    /// <summary>Re-read the file at the next check, changed or not (SIGHUP).</summary>
    public void RequestReload()
    {
        _forced = true;
        _timer.Change(TimeSpan.Zero, CheckInterval);
    }

    /// <summary>One check: re-read the file if it changed or a reload was asked for, else re-resolve names when due.</summary>
    public void Check()
    {
        if (!_busy.TryEnter())
        {
            return; // a slow DNS answer is still being waited for
        }
        try
        {
            var stamp = Stamp(_path);
            if (_forced || stamp != _stamp)
            {
                _forced = false;
                _stamp = stamp;
                Reload();
            }
            else if (_resolveIntervalTicks > 0 && _time.GetTimestamp() - _lastResolve >= _resolveIntervalTicks)
            {
                Apply(_entries, "names resolved again", quietWhenSame: true);
            }
        }
        finally
        {
            _busy.Exit();
        }
    }

    private void Reload()
    {
        IReadOnlyList<HostEntry> entries;
        try
        {
            entries = HostsFile.Load(_path);
        }
        catch (ConfigException e)
        {
            _log.Error("hosts file not reloaded; keeping the last good servers", ("error", e.Message));
            return;
        }
        _entries = entries;
        Apply(entries, "hosts file reloaded", quietWhenSame: false);
    }

    private void Apply(IReadOnlyList<HostEntry> entries, string message, bool quietWhenSame)
    {
        _lastResolve = _time.GetTimestamp();
        var servers = _resolver.Resolve(entries);
        if (servers.Count == 0)
        {
            _log.Error("no server address resolves; keeping the last good servers");
            return;
        }
        var (added, removed) = _routes.Replace(servers);
        if (!quietWhenSame || added + removed > 0)
        {
            _log.Info(message, ("servers", servers.Count), ("added", added), ("removed", removed));
        }
    }

    private static (DateTime, long) Stamp(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.LastWriteTimeUtc, info.Length) : default;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return default;
        }
    }

    public void Dispose() => _timer.Dispose();
}
