namespace Tcplb.Net;

/// <summary>
/// Hands out sessions, each with its slab slice; at most as many at once as the slab has slices
/// (<c>--max-conns</c>). Session objects are created on first need and reused for ever (a fixed-capacity
/// stack behind a lock: no allocation per connection). When everything is in use, the listener that asked
/// is remembered and resumed as soon as a session comes back: accepting pauses instead of failing.
/// </summary>
internal sealed class SessionPool
{
    private readonly Lock _lock = new();
    private readonly SessionContext _context;
    private readonly Session[] _idle;
    private readonly Session[] _all;
    private int _idleCount;
    private int _created;
    private IThreadPoolWorkItem? _waiting;

    public SessionPool(SessionContext context)
    {
        _context = context;
        _idle = new Session[context.Slab.Capacity];
        _all = new Session[context.Slab.Capacity];
    }

    /// <summary>Every session created so far, idle or not (for the timeout thread's scan).</summary>
    public ReadOnlySpan<Session> All => _all.AsSpan(0, Volatile.Read(ref _created));

    /// <summary>
    /// Takes a session and a slice for a new connection, or returns null when all are in use; then
    /// <paramref name="resume"/> is queued to the thread pool once one is returned.
    /// </summary>
    public Session? TryRent(IThreadPoolWorkItem resume, out int slice)
    {
        lock (_lock)
        {
            if (!_context.Slab.TryRent(out slice))
            {
                _waiting = resume;
                return null;
            }
            if (_idleCount > 0)
            {
                return _idle[--_idleCount];
            }
            var session = new Session(_context, this);
            _all[_created] = session;
            Volatile.Write(ref _created, _created + 1);
            return session;
        }
    }

    /// <summary>Gives back a session that is no longer in use, with its slice, without running it.</summary>
    public void Return(Session session, int slice)
    {
        IThreadPoolWorkItem? waiting;
        lock (_lock)
        {
            _context.Slab.Return(slice);
            _idle[_idleCount++] = session;
            waiting = _waiting;
            _waiting = null;
        }
        if (waiting is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(waiting, preferLocal: false);
        }
    }
}
