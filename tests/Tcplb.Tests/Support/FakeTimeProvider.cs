namespace Tcplb.Tests.Support;

/// <summary>A clock that moves only when told to, with an odd tick frequency to catch code that assumes Stopwatch's.</summary>
internal sealed class FakeTimeProvider : TimeProvider
{
    private long _timestamp = 1_000_000;
    private DateTimeOffset _utcNow = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public override long TimestampFrequency => 7_777_777;

    public override long GetTimestamp() => Interlocked.Read(ref _timestamp);

    public override DateTimeOffset GetUtcNow() => _utcNow;

    /// <summary>Timers never fire on their own: tests call what a timer would.</summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new StoppedTimer();

    public void Advance(TimeSpan span)
    {
        Interlocked.Add(ref _timestamp, (long)(span.TotalSeconds * TimestampFrequency));
        _utcNow += span;
    }

    private sealed class StoppedTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
