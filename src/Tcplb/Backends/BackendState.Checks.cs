using Tcplb.SharedState;

namespace Tcplb.Backends;

/// <summary>What a server's active checks found: the last result, and the runs of passes and failures that move it down and up.</summary>
internal sealed unsafe partial class BackendState
{
    /// <summary>
    /// <see cref="DownUntil"/> of a server that its checks took down (<c>fall</c> failures in a row): only checks
    /// bring it back, as after <see cref="UntilChecksPass"/>, and <c>--on-down shutdown</c> resets its
    /// connections. A failed client connect alone never says this, so one refused connect cuts nobody.
    /// </summary>
    public const long DownByChecks = long.MaxValue;

    public CheckOutcome LastCheck => (CheckOutcome)Volatile.Read(ref _row->LastCheck);

    /// <summary>How long the last check took, in the clock's ticks (connect, and the answer when one is expected).</summary>
    public long LastCheckTicks => Volatile.Read(ref _row->LastCheckTicks);

    public long CheckFailures => Interlocked.Read(ref _row->CheckFailures);

    /// <summary>Whether its checks took it down (and have not brought it back yet).</summary>
    public bool IsDownByChecks => Volatile.Read(ref _row->DownUntil) == DownByChecks;

    /// <summary>
    /// Records a check. <paramref name="fall"/> failures in a row take an up server down; <paramref name="rise"/>
    /// passes in a row bring a down server back (however it went down). A server a failed connect took down is
    /// marked <see cref="DownByChecks"/> too once <paramref name="fall"/> checks in a row fail, without a second
    /// change. Returns the change it made, if any.
    /// </summary>
    public HealthChange RecordCheck(CheckOutcome outcome, long ticks, long now, int fall, int rise)
    {
        Volatile.Write(ref _row->LastCheck, (int)outcome);
        Volatile.Write(ref _row->LastCheckTicks, ticks);
        if (outcome != CheckOutcome.Passed)
        {
            Interlocked.Increment(ref _row->CheckFailures);
        }
        using (SharedLock.Hold(&_row->Lock))
        {
            var down = _row->DownUntil != 0;
            if (outcome == CheckOutcome.Passed)
            {
                _row->CheckFailuresInARow = 0;
                if (!down || ++_row->CheckPasses < rise)
                {
                    return HealthChange.None;
                }
                _row->Failures = 0;
                Volatile.Write(ref _row->DownUntil, 0);
                Volatile.Write(ref _row->UpSince, Stamp(now));
                return HealthChange.Up;
            }
            _row->CheckPasses = 0;
            if (_row->DownUntil == DownByChecks || ++_row->CheckFailuresInARow < fall)
            {
                return HealthChange.None;
            }
            _row->CheckFailuresInARow = 0;
            Volatile.Write(ref _row->DownUntil, DownByChecks);
            return down ? HealthChange.None : HealthChange.Down;
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
