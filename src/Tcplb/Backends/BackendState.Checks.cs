namespace Tcplb.Backends;

/// <summary>What a server's active checks found: the last result, and the runs of passes and failures that move it down and up.</summary>
internal sealed partial class BackendState
{
    private int _checkPasses;
    private int _checkFailuresInARow;
    private long _checkFailures;
    private int _lastCheck;
    private long _lastCheckTicks;

    public CheckOutcome LastCheck => (CheckOutcome)Volatile.Read(ref _lastCheck);

    /// <summary>How long the last check took, in the clock's ticks (connect, and the answer when one is expected).</summary>
    public long LastCheckTicks => Volatile.Read(ref _lastCheckTicks);

    public long CheckFailures => Interlocked.Read(ref _checkFailures);

    /// <summary>
    /// Records a check. <paramref name="fall"/> failures in a row take an up server down; <paramref name="rise"/>
    /// passes in a row bring a down server back (however it went down). Returns the change it made, if any.
    /// </summary>
    public HealthChange RecordCheck(CheckOutcome outcome, long ticks, long now, int fall, int rise)
    {
        Volatile.Write(ref _lastCheck, (int)outcome);
        Volatile.Write(ref _lastCheckTicks, ticks);
        if (outcome != CheckOutcome.Passed)
        {
            Interlocked.Increment(ref _checkFailures);
        }
        lock (_health)
        {
            var down = _downUntil != 0;
            if (outcome == CheckOutcome.Passed)
            {
                _checkFailuresInARow = 0;
                if (!down || ++_checkPasses < rise)
                {
                    return HealthChange.None;
                }
                _failures = 0;
                Volatile.Write(ref _downUntil, 0);
                Volatile.Write(ref _upSince, now);
                return HealthChange.Up;
            }
            _checkPasses = 0;
            if (down || ++_checkFailuresInARow < fall)
            {
                return HealthChange.None;
            }
            _checkFailuresInARow = 0;
            Volatile.Write(ref _downUntil, UntilChecksPass);
            return HealthChange.Down;
        }
    }
}

/// <summary>A change of a server's health that an event caused; one log line each.</summary>
internal enum HealthChange
{
    None,
    Down,
    Up,
}
