namespace Tcplb.Infrastructure;

/// <summary>
/// Lets an event be logged at most once per interval, the first at once: conditions that repeat per client
/// (out of descriptors, a client over its limit) are said once, never once per client. Thread-safe.
/// </summary>
internal sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    private readonly Lock _lock = new();
    private long _last;
    private bool _passed;

    /// <summary>True when the event should be logged now.</summary>
    public bool TryPass()
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_passed && now - _last < time.Ticks(interval))
            {
                return false;
            }
            _passed = true;
            _last = now;
            return true;
        }
    }
}
