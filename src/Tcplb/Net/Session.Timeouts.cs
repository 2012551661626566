namespace Tcplb.Net;

/// <summary>
/// What the timeout thread's scan does to a session every tick (no timer per connection): connect, hello and
/// queue deadlines, the idle timeout, cutting the clients of a server checks took down or of a backup once a
/// primary is back, and the end of the drain.
/// </summary>
internal sealed partial class Session
{
    /// <summary>Run by the timeout thread every tick: connect deadlines, the idle timeout, <c>--on-down shutdown</c> and <c>--on-up shutdown-backup</c>.</summary>
    public void CheckTimeouts(long now)
    {
        switch ((State)Volatile.Read(ref _state))
        {
            case State.ReadingHello:
                ExpireHello(now);
                break;
            case State.Connecting:
                ExpireConnect(now);
                break;
            case State.Queued:
                ExpireQueued(now);
                break;
            case State.Relaying when _context.IdleTimeoutTicks > 0 || _context.ResetOnServerDown || _context.ResetBackupsOnPrimaryUp:
                var generation = _close.Generation; // read before the activity stamp: a later connection has a fresh one
                if (_context.ResetOnServerDown && _backend is { } backend && backend.State.IsDownByChecks)
                {
                    // A reset, as HAProxy's shutdown-sessions: the client learns at once and reconnects (to another server).
                    Abort(CloseReason.ServerDown, reset: true, generation);
                }
                else if (_context.ResetBackupsOnPrimaryUp && _backend is { Backup: true } && _pool.PrimaryUsable(now))
                {
                    // HAProxy's shutdown-backup-sessions: the client reconnects, to the primary that is back.
                    Abort(CloseReason.PrimaryUp, reset: true, generation);
                }
                else if (_context.IdleTimeoutTicks > 0 && now - Volatile.Read(ref _lastActivity) > _context.IdleTimeoutTicks)
                {
                    Abort(CloseReason.Idle, reset: false, generation);
                }
                break;
        }
    }

    /// <summary>Ends a relaying connection with FIN both ways, when the drain time is over; a queued client is reset.</summary>
    public void CloseForShutdown()
    {
        switch ((State)Volatile.Read(ref _state))
        {
            case State.Relaying:
                Abort(CloseReason.Shutdown, reset: false, _close.Generation);
                break;
            case State.Queued:
                LeaveQueue(CloseReason.Shutdown);
                break;
        }
    }
}
