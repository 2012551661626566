namespace Tcplb.Net;

/// <summary>Process-wide client connection counters, updated with <see cref="Interlocked"/> once per connection, never per chunk.</summary>
internal sealed class ConnectionCounters
{
    private long _active;
    private long _total;
    private long _rejected;
    private long _queueTimeouts;
    private long _clientLimitRejected;
    private long _denied;

    /// <summary>Client connections accepted and not yet closed.</summary>
    public long Active => Interlocked.Read(ref _active);

    public long Total => Interlocked.Read(ref _total);

    /// <summary>Client connections closed because no server could take them.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Client connections closed after waiting the queue timeout for a server below its <c>maxconn</c>.</summary>
    public long QueueTimeouts => Interlocked.Read(ref _queueTimeouts);

    /// <summary>Client connections reset because their address held <c>--max-conns-per-client</c> already.</summary>
    public long ClientLimitRejected => Interlocked.Read(ref _clientLimitRejected);

    /// <summary>Client connections reset because <c>--allow</c> or <c>--deny</c> refused their address.</summary>
    public long Denied => Interlocked.Read(ref _denied);

    public void Opened()
    {
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref _total);
    }

    public void Closed(CloseReason reason)
    {
        Interlocked.Decrement(ref _active);
        switch (reason)
        {
            case CloseReason.NoServer or CloseReason.NoRoute:
                Interlocked.Increment(ref _rejected);
                break;
            case CloseReason.QueueTimeout:
                Interlocked.Increment(ref _queueTimeouts);
                break;
            case CloseReason.ClientLimit:
                Interlocked.Increment(ref _clientLimitRejected);
                break;
            case CloseReason.Denied:
                Interlocked.Increment(ref _denied);
                break;
        }
    }
}
