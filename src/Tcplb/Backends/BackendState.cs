using System.Net;
using Tcplb.Infrastructure;
using Tcplb.SharedState;

namespace Tcplb.Backends;

/// <summary>
/// A server's health and traffic counters: a view of its row in the shared <see cref="StateTable"/>, so that
/// every worker process sees one server (a failure one learns is known to all, <c>maxconn</c> counts the
/// group's connections, least-conn compares the group's counts). Read on the hot path without locks; health
/// transitions take the row's lock, so exactly one caller (in whichever process) sees and logs each. Counters
/// go to this worker's own block and are added up when read. Lives as long as the server's address stays
/// listed, across reloads. Active checks have their part in <c>BackendState.Checks.cs</c>.
/// </summary>
internal sealed unsafe partial class BackendState
{
    /// <summary>
    /// <see cref="DownUntil"/> of a server that only active checks bring back (a client's connect failed). One below
    /// <see cref="DownByChecks"/>, so that a last resort prefers it to a server its checks found down.
    /// </summary>
    public const long UntilChecksPass = long.MaxValue - 1;

    // UpSince of a row: 0 (as a new row is) until a pick first sees the server, then when it came up; or up since the start.
    private const long RampPending = 0;
    private const long UpSinceStart = -1;

    private readonly StateTable _table;
    private readonly int _index;
    private readonly ServerRow* _row;
    private readonly PerWorker<ServerCounters> _counters;

    /// <summary>A state of its own, shared with nothing (for a server outside any balancer, and tests).</summary>
    public BackendState() : this(StateTable.Private(), 0)
    {
    }

    /// <summary>The state in row <paramref name="index"/> of <paramref name="table"/> (<see cref="StateTable.ClaimServer"/>).</summary>
    public BackendState(StateTable table, int index)
    {
        _table = table;
        _index = index;
        _row = table.Layout.Server(index);
        _counters = table.Layout.ServerCounters(index, table.Worker);
    }

    /// <summary>The state of the server at <paramref name="endPoint"/> in <paramref name="table"/>; one of its own when the table is full.</summary>
    public static BackendState For(StateTable table, IPEndPoint endPoint) =>
        table.ClaimServer(endPoint) is var row and >= 0 ? new BackendState(table, row) : new BackendState();

    /// <summary>Timestamp (of the balancer's clock) until which the server is avoided; 0 when it is up.</summary>
    public long DownUntil => Volatile.Read(ref _row->DownUntil);

    public int ConsecutiveFailures => Volatile.Read(ref _row->Failures);

    /// <summary>Connections open to the server, in every worker.</summary>
    public int Active
    {
        get
        {
            var sum = 0;
            for (var w = 0; w < _counters.Count; w++)
            {
                sum += Volatile.Read(ref _counters[w].Active);
            }
            return sum;
        }
    }

    public long Connections => _counters.Sum(static (ref ServerCounters c) => ref c.Connections);

    public long ConnectFailures => _counters.Sum(static (ref ServerCounters c) => ref c.ConnectFailures);

    /// <summary>Bytes sent to the server (from clients).</summary>
    public long BytesSent => _counters.Sum(static (ref ServerCounters c) => ref c.BytesSent);

    /// <summary>Bytes received from the server (for clients).</summary>
    public long BytesReceived => _counters.Sum(static (ref ServerCounters c) => ref c.BytesReceived);

    /// <summary>How long the connects that succeeded took, in every worker.</summary>
    public HistogramSnapshot ConnectTime => Histogram.ConnectTime.Read(_counters, static (ref ServerCounters c) => ref c.ConnectTime);

    public bool IsAvailable(long now) => Volatile.Read(ref _row->DownUntil) <= now;

    /// <summary>Connections that hold one of its <c>maxconn</c> slots, in every worker: connecting or open.</summary>
    public int Slots => Volatile.Read(ref _row->Slots);

    /// <summary>
    /// Takes a slot for a connect, unless <paramref name="limit"/> are taken already (in the whole group: one
    /// compare-and-swap on the shared word, never read-then-increment). A server without a limit (0) counts none:
    /// its connects write nothing shared.
    /// </summary>
    public bool TryTakeSlot(int limit)
    {
        if (limit <= 0)
        {
            return true;
        }
        var taken = Volatile.Read(ref _row->Slots);
        while (taken < limit)
        {
            var seen = Interlocked.CompareExchange(ref _row->Slots, taken + 1, taken);
            if (seen == taken)
            {
                Interlocked.Increment(ref _counters.Mine.HeldSlots);
                return true;
            }
            taken = seen;
        }
        return false;
    }

    /// <summary>Gives back a slot that <see cref="TryTakeSlot"/> took with the same <paramref name="limit"/>.</summary>
    public void ReturnSlot(int limit)
    {
        if (limit > 0)
        {
            Interlocked.Decrement(ref _counters.Mine.HeldSlots);
            Interlocked.Decrement(ref _row->Slots);
        }
    }

    /// <summary>
    /// How far a server that came up has ramped, in thousandths of its weight: from 100 when it came up to 1000
    /// after <paramref name="rampTicks"/>. A server up since the balancer started does not ramp; one added by a
    /// reload starts its ramp when a pick first sees it.
    /// </summary>
    public int RampPermille(long now, long rampTicks)
    {
        var since = Volatile.Read(ref _row->UpSince);
        if (since == RampPending)
        {
            var seen = Interlocked.CompareExchange(ref _row->UpSince, Stamp(now), RampPending);
            since = seen == RampPending ? now : seen;
        }
        var elapsed = now - since;
        return since == UpSinceStart || elapsed >= rampTicks ? 1000 : 100 + (int)(900 * Math.Max(elapsed, 0) / rampTicks);
    }

    /// <summary>For the servers the balancer starts with: up since the start, so no ramp (unless they go down and come back).</summary>
    public void MarkUpSinceStart() => Interlocked.CompareExchange(ref _row->UpSince, UpSinceStart, RampPending);

    /// <summary>This worker's list no longer has the server: once no worker lists it and it is idle, its row may serve another.</summary>
    public void Unlist() => _table.Unlist(_index);

    /// <summary>
    /// Records a failed connect. The <paramref name="threshold"/>th failure in a row (counted for the group) takes
    /// the server down; returns the cooldown then, else null. The cooldown grows with each failure past it.
    /// </summary>
    /// <remarks>Failures of attempts that started before the server was marked down do not extend its cooldown again.</remarks>
    public TimeSpan? MarkFailed(TimeProvider time, TimeSpan baseCooldown, int threshold = 1)
    {
        Interlocked.Increment(ref _counters.Mine.ConnectFailures);
        var now = time.GetTimestamp();
        using (SharedLock.Hold(&_row->Lock))
        {
            if (_row->DownUntil > now || ++_row->Failures < threshold)
            {
                return null;
            }
            var cooldown = Cooldown.After(_row->Failures - threshold + 1, baseCooldown);
            Volatile.Write(ref _row->DownUntil, now + time.Ticks(cooldown));
            return cooldown;
        }
    }

    /// <summary>
    /// Records a failed connect while active checks decide when servers come back: the <paramref name="threshold"/>th
    /// failure in a row takes the server down until <c>rise</c> checks in a row pass. Returns true when this failure took it down.
    /// </summary>
    public bool MarkFailedUntilChecked(int threshold = 1)
    {
        Interlocked.Increment(ref _counters.Mine.ConnectFailures);
        using (SharedLock.Hold(&_row->Lock))
        {
            if (++_row->Failures < threshold || _row->DownUntil >= UntilChecksPass)
            {
                return false;
            }
            _row->CheckPasses = 0;
            Volatile.Write(ref _row->DownUntil, UntilChecksPass);
            return true;
        }
    }

    /// <summary>
    /// Records a successful connect. Returns true when the server had been failing and is now back; never when
    /// <paramref name="checksDecide"/>, as then only checks bring a server back.
    /// </summary>
    public bool MarkConnected(long now = 0, bool checksDecide = false)
    {
        Interlocked.Increment(ref _counters.Mine.Active);
        Interlocked.Increment(ref _counters.Mine.Connections);
        if (Volatile.Read(ref _row->Failures) == 0)
        {
            return false;
        }
        using (SharedLock.Hold(&_row->Lock))
        {
            if (_row->Failures == 0)
            {
                return false;
            }
            _row->Failures = 0;
            if (checksDecide)
            {
                return false;
            }
            Volatile.Write(ref _row->DownUntil, 0);
            Volatile.Write(ref _row->UpSince, Stamp(now));
            return true;
        }
    }

    /// <summary>Records how long a connect that succeeded took, from the start of its attempt.</summary>
    public void RecordConnectTime(long microseconds) => Histogram.ConnectTime.Record(ref _counters.Mine.ConnectTime, microseconds);

    /// <summary>Records the end of a connection that <see cref="MarkConnected"/> counted.</summary>
    public void MarkClosed(long bytesSent, long bytesReceived)
    {
        ref var mine = ref _counters.Mine;
        Interlocked.Decrement(ref mine.Active);
        Interlocked.Add(ref mine.BytesSent, bytesSent);
        Interlocked.Add(ref mine.BytesReceived, bytesReceived);
    }

    /// <summary>A time the server came up, as <see cref="ServerRow.UpSince"/> keeps it: never one of the two marks (a fake clock may read 0).</summary>
    private static long Stamp(long now) => now is RampPending or UpSinceStart ? 1 : now;
}
