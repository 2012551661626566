namespace Tcplb.Net;

/// <summary>Process-wide client connection counters, updated with <see cref="Interlocked"/> once per connection, never per chunk.</summary>
internal sealed class ConnectionCounters
{
    private long _active;
    private long _total;
    private long _rejected;

    /// <summary>Client connections accepted and not yet closed.</summary>
    public long Active => Interlocked.Read(ref _active);

    public long Total => Interlocked.Read(ref _total);

    /// <summary>Client connections closed because no server could take them.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public void Opened()
    {
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref _total);
    }

    public void Closed(bool rejected)
    {
        Interlocked.Decrement(ref _active);
        if (rejected)
        {
            Interlocked.Increment(ref _rejected);
        }
    }
}
