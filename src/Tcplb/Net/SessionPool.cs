namespace Tcplb.Net;

/// <summary>
/// Hands out sessions, at most <c>--max-conns</c> at once. Session <c>i</c> owns slab slice <c>i</c> for life;
/// sessions are created on first need, so a large <c>--max-conns</c> costs nothing until connections come,
/// and then reused for ever, last in first out (an intrusive stack behind a lock: no allocation per
/// connection). When every session is in use, the listener that asked is remembered and resumed as soon as
/// one comes back: accepting pauses instead of failing.
/// </summary>
internal sealed class SessionPool
{
    private readonly Lock _lock = new();
    private readonly SessionContext _context;
    private volatile Session[] _all = new Session[16];
    private Session? _idle;
    private int _created;
    private int _inUse;
    private IThreadPoolWorkItem? _waiting;

    public SessionPool(SessionContext context) => _context = context;

    /// <summary>Every session created so far, idle or not (for the timeout thread's scan).</summary>
    public ReadOnlySpan<Session> All
    {
        get
        {
            var count = Volatile.Read(ref _created); // read before the array: a grown array holds at least as many
            return _all.AsSpan(0, count);
        }
    }

    /// <summary>Sessions serving a connection now (or reserved for the next accept).</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>
    /// Takes a session for a new connection, or returns null when all are in use; then <paramref name="resume"/>
    /// is queued to the thread pool once one is returned.
    /// </summary>
    public Session? TryRent(IThreadPoolWorkItem resume)
    {
        lock (_lock)
        {
            if (_idle is { } session)
            {
                _idle = session.NextIdle;
                session.NextIdle = null;
            }
            else if (_created < _context.Slab.Capacity)
            {
                session = Create();
            }
            else
            {
                _waiting = resume;
                return null;
            }
            _inUse++;
            return session;
        }
    }

    /// <summary>Gives back a session that is no longer in use, without running it.</summary>
    public void Return(Session session)
    {
        IThreadPoolWorkItem? waiting;
        lock (_lock)
        {
            session.NextIdle = _idle;
            _idle = session;
            _inUse--;
            waiting = _waiting;
            _waiting = null;
        }
        if (waiting is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(waiting, preferLocal: false);
        }
    }

    /// <summary>A new session for the next unused slice; the list of all grows by doubling, never per connection.</summary>
    private Session Create()
    {
        var session = new Session(_context, this, _created);
        if (_created == _all.Length)
        {
            var grown = new Session[Math.Min(_all.Length * 2, _context.Slab.Capacity)];
            _all.CopyTo(grown, 0);
            _all = grown;
        }
        _all[_created] = session;
        Volatile.Write(ref _created, _created + 1);
        return session;
    }
}
