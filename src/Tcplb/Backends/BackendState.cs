using Tcplb.Infrastructure;

namespace Tcplb.Backends;

/// <summary>
/// A server's passive health and traffic counters. Read on the hot path without locks; health transitions
/// (down, up) take the lock, so exactly one caller sees and logs each. Lives as long as the server's address
/// stays listed, across reloads.
/// </summary>
internal sealed class BackendState
{
    private readonly Lock _health = new();
    private long _downUntil;
    private int _failures;
    private int _active;
    private long _connections;
    private long _connectFailures;
    private long _bytesSent;
    private long _bytesReceived;

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

    /// <summary>Records a successful connect. Returns true when the server had been failing and is now back.</summary>
    public bool MarkConnected()
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
            Volatile.Write(ref _downUntil, 0);
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
