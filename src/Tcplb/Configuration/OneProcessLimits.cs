namespace Tcplb.Configuration;

/// <summary>
/// The limits that only one process can count: a server's <c>maxconn</c> (with its first-in first-out queue) and
/// <c>--max-conns-per-client</c>. Worker processes each count their own connections, so with a limit set,
/// <c>--workers auto</c> runs one process, and an explicit number above one is refused, at start-up or at reload.
/// </summary>
internal static class OneProcessLimits
{
    /// <summary>The settings to run with: one process when a limit is set and the worker count is <c>auto</c>.</summary>
    /// <exception cref="ConfigException">A limit is set and more than one worker process was asked for.</exception>
    public static Settings Apply(Settings settings, IReadOnlyList<HostEntry> entries)
    {
        var limited = settings.MaxConnectionsPerClient > 0 || FirstMaxConn(entries) is not null;
        if (!limited || settings.Workers == 1)
        {
            return settings;
        }
        if (settings.Workers == 0)
        {
            return settings with { Workers = 1 };
        }
        Check(settings, entries);
        return settings;
    }

    /// <summary>Throws when a limit is set while several worker processes run (or are asked for).</summary>
    public static void Check(Settings settings, IReadOnlyList<HostEntry> entries)
    {
        if (settings.WorkerCount <= 1)
        {
            return;
        }
        if (settings.MaxConnectionsPerClient > 0)
        {
            throw new ConfigException("--max-conns-per-client is counted in one process: use --workers 1 (or auto, which does)");
        }
        if (FirstMaxConn(entries) is { } entry)
        {
            throw new ConfigException($"{settings.HostsPath}:{entry.Line}: maxconn is counted in one process: use --workers 1 (or auto, which does)");
        }
    }

    private static HostEntry? FirstMaxConn(IReadOnlyList<HostEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.MaxConnections > 0)
            {
                return entry;
            }
        }
        return null;
    }
}
