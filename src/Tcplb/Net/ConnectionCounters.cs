using Tcplb.SharedState;

namespace Tcplb.Net;

/// <summary>
/// Client connection counters of the whole group of worker processes: each worker counts in its own row of the
/// shared table (<see cref="Interlocked"/>, once per connection, never per chunk), and a read adds the rows up.
/// </summary>
internal sealed class ConnectionCounters(StateTable table)
{
    private readonly StateTable _table = table; // held: the rows are its mapping, which lives as long as it does
    private readonly PerWorker<WorkerRow> _rows = table.Workers;

    /// <summary>Client connections accepted and not yet closed, by every worker.</summary>
    public long Active => _rows.Sum(static (ref WorkerRow r) => ref r.Active);

    /// <summary>Client connections this process holds: what its drain waits for.</summary>
    public long ActiveHere => Interlocked.Read(ref _rows.Mine.Active);

    public long Total => _rows.Sum(static (ref WorkerRow r) => ref r.Total);

    /// <summary>Client connections closed because no server could take them.</summary>
    public long Rejected => _rows.Sum(static (ref WorkerRow r) => ref r.Rejected);

    /// <summary>Client connections closed after waiting the queue timeout for a server below its <c>maxconn</c>.</summary>
    public long QueueTimeouts => _rows.Sum(static (ref WorkerRow r) => ref r.QueueTimeouts);

    /// <summary>Client connections reset because their address held <c>--max-conns-per-client</c> already.</summary>
    public long ClientLimitRejected => _rows.Sum(static (ref WorkerRow r) => ref r.ClientLimitRejected);

    /// <summary>Client connections reset because their address opened them faster than <c>--max-conn-rate-per-client</c>.</summary>
    public long ClientRateRejected => _rows.Sum(static (ref WorkerRow r) => ref r.ClientRateRejected);

    /// <summary>Client connections reset because checks took their server down (<c>--on-down shutdown</c>).</summary>
    public long ServerDownResets => _rows.Sum(static (ref WorkerRow r) => ref r.ServerDownResets);

    /// <summary>Client connections reset because <c>--allow</c> or <c>--deny</c> refused their address.</summary>
    public long Denied => _rows.Sum(static (ref WorkerRow r) => ref r.Denied);

    /// <summary>How long client connections lasted, from accept to release, in every worker.</summary>
    public HistogramSnapshot Duration => Histogram.Duration.Read(_rows, static (ref WorkerRow r) => ref r.Duration);

    public void Opened()
    {
        ref var mine = ref _rows.Mine;
        Interlocked.Increment(ref mine.Active);
        Interlocked.Increment(ref mine.Total);
    }

    /// <param name="microseconds">How long the connection lasted, from accept to release.</param>
    public void Closed(CloseReason reason, long microseconds)
    {
        ref var mine = ref _rows.Mine;
        Interlocked.Decrement(ref mine.Active);
        Histogram.Duration.Record(ref mine.Duration, microseconds);
        switch (reason)
        {
            case CloseReason.NoServer or CloseReason.NoRoute:
                Interlocked.Increment(ref mine.Rejected);
                break;
            case CloseReason.QueueTimeout:
                Interlocked.Increment(ref mine.QueueTimeouts);
                break;
            case CloseReason.ClientLimit:
                Interlocked.Increment(ref mine.ClientLimitRejected);
                break;
            case CloseReason.ClientRate:
                Interlocked.Increment(ref mine.ClientRateRejected);
                break;
            case CloseReason.ServerDown:
                Interlocked.Increment(ref mine.ServerDownResets);
                break;
            case CloseReason.Denied:
                Interlocked.Increment(ref mine.Denied);
                break;
        }
    }
}
