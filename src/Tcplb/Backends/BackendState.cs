using Tcplb.Infrastructure;

namespace Tcplb.Backends;

/// <summary>
/// A server's health and traffic counters. Read on the hot path without locks; health transitions (down, up)
/// take the lock, so exactly one caller sees and logs each. Lives as long as the server's address stays
/// listed, across reloads. Active checks have their part in <c>BackendState.Checks.cs</c>.
/// </summary>
internal sealed partial class BackendState
{
    /// <summary>
    /// <see cref="DownUntil"/> of a server that only active checks bring back (a client's connect failed). One below
    /// <see cref="DownByChecks"/>, so that a last resort prefers it to a server its checks found down.
    /// </summary>
    public const long UntilChecksPass = long.MaxValue - 1;

    private const long UpSinceStart = 0;
    private const long RampPending = -1;

    private readonly Lock _health = new();
    private long _downUntil;
    private int _failures;
    private int _active;
    private long _connections;
    private long _connectFailures;
    private long _bytesSent;
    private long _bytesReceived;
    private int _slots;

    /// <summary>When the server last came up; <see cref="UpSinceStart"/>, or <see cref="RampPending"/> for a server new to the balancer.</summary>
    private long _upSince = RampPending;

    /// <summary>Timestamp (of the balancer's clock) until which the server is avoided; 0 when it is up.</summary>
    public long DownUntil => Volatile.Read(ref _downUntil);

    public int ConsecutiveFailures => Volatile.Read(ref _failures);

    public int Active => Volatile.Read(ref _active);

    public long Connections => Interlocked.Read(ref _connections);

    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    /// <summary>Bytes sent to the server (from clients).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Bytes received from the server (for clients).</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public bool IsAvailable(long now) => Volatile.Read(ref _downUntil) <= now;

    /// <summary>Connections that hold one of its <c>maxconn</c> slots: connecting or open.</summary>
    public int Slots => Volatile.Read(ref _slots);

    /// <summary>Takes a slot for a connect, unless <paramref name="limit"/> (more than zero) are taken already.</summary>
    public bool TryTakeSlot(int limit)
    {
        if (limit <= 0)
        {
            Interlocked.Increment(ref _slots);
            return true;
        }
        var taken = Volatile.Read(ref _slots);
        while (taken < limit)
        {
            var seen = Interlocked.CompareExchange(ref _slots, taken + 1, taken);
            if (seen == taken)
            {
                return true;
            }
            taken = seen;
        }
        return false;
    }

    public void ReturnSlot() => Interlocked.Decrement(ref _slots);

    /// <summary>
    /// How far a server that came up has ramped, in thousandths of its weight: from 100 when it came up to 1000
    /// after <paramref name="rampTicks"/>. A server up since the balancer started does not ramp; one added by a
    /// reload starts its ramp when a pick first sees it.
    /// </summary>
    public int RampPermille(long now, long rampTicks)
    {
        var since = Volatile.Read(ref _upSince);
        if (since == RampPending)
        {
            var seen = Interlocked.CompareExchange(ref _upSince, now, RampPending);
            since = seen == RampPending ? now : seen;
        }
        var elapsed = now - since;
        return since == UpSinceStart || elapsed >= rampTicks ? 1000 : 100 + (int)(900 * Math.Max(elapsed, 0) / rampTicks);
    }

    /// <summary>For the servers the balancer starts with: up since the start, so no ramp (unless they go down and come back).</summary>
    public void MarkUpSinceStart() => Interlocked.CompareExchange(ref _upSince, UpSinceStart, RampPending);

    /// <summary>Records a failed connect. Returns the cooldown when this failure took the server down, else null.</summary>
    /// <remarks>Failures of attempts that started before the server was marked down do not extend its cooldown again.</remarks>
    public TimeSpan? MarkFailed(TimeProvider time, TimeSpan baseCooldown)
    {
        Interlocked.Increment(ref _connectFailures);
        var now = time.GetTimestamp();
        lock (_health)
        {
            if (_downUntil > now)
            {
                return null;
            }
            _failures++;
            var cooldown = Cooldown.After(_failures, baseCooldown);
            Volatile.Write(ref _downUntil, now + time.Ticks(cooldown));
            return cooldown;
        }
    }

    /// <summary>
    /// Records a failed connect while active checks decide when servers come back: the server is down until
    /// <c>rise</c> checks in a row pass. Returns true when this failure took it down.
    /// </summary>
    public bool MarkFailedUntilChecked()
    {
        Interlocked.Increment(ref _connectFailures);
        lock (_health)
        {
            _failures++;
            if (_downUntil >= UntilChecksPass)
            {
                return false;
            }
            _checkPasses = 0;
            Volatile.Write(ref _downUntil, UntilChecksPass);
            return true;
        }
    }

    /// <summary>
    /// Records a successful connect. Returns true when the server had been failing and is now back; never when
    /// <paramref name="checksDecide"/>, as then only checks bring a server back.
    /// </summary>
    public bool MarkConnected(long now = 0, bool checksDecide = false)
    {
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref _connections);
        if (Volatile.Read(ref _failures) == 0)
        {
            return false;
        }
        lock (_health)
        {
            if (_failures == 0)
            {
                return false;
            }
            _failures = 0;
            if (checksDecide)
            {
                return false;
            }
            Volatile.Write(ref _downUntil, 0);
            Volatile.Write(ref _upSince, now);
            return true;
        }
    }

    /// <summary>Records the end of a connection that <see cref="MarkConnected"/> counted.</summary>
    public void MarkClosed(long bytesSent, long bytesReceived)
    {
        Interlocked.Decrement(ref _active);
        Interlocked.Add(ref _bytesSent, bytesSent);
        Interlocked.Add(ref _bytesReceived, bytesReceived);
    }
}
