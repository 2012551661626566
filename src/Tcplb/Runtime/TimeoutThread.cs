using Tcplb.Net;

namespace Tcplb.Runtime;

/// <summary>
/// One background thread for every timeout: about every 100 ms it scans the sessions for passed connect
/// deadlines, idle connections and queue timeouts, gives freed slots to waiting clients, then runs the other
/// periodic duties it was given (health checks that are due). While clients of this process wait for a slot it
/// also looks for slots freed elsewhere (by another worker process) every 10 ms. No timer object per
/// connection, and nothing on the relay path beyond writing a timestamp.
/// </summary>
internal sealed class TimeoutThread : IDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan WaitingTick = TimeSpan.FromMilliseconds(10);

    private readonly SessionPool _sessions;
    private readonly Func<bool> _anyWaiting;
    private readonly Action<long> _dispatch;
    private readonly Action<long>[] _duties;
    private readonly TimeProvider _time;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;

    /// <param name="anyWaiting">Whether a client waits for a slot.</param>
    /// <param name="dispatch">Gives freed slots to waiting clients; run every tick, and every 10 ms while one waits.</param>
    /// <param name="duties">Run after each scan with its timestamp; they must not block.</param>
    public TimeoutThread(SessionPool sessions, TimeProvider time, Func<bool> anyWaiting, Action<long> dispatch, params Action<long>[] duties)
    {
        _sessions = sessions;
        _anyWaiting = anyWaiting;
        _dispatch = dispatch;
        _duties = duties;
        _time = time;
        _thread = new Thread(Run) { IsBackground = true, Name = "tcplb timeouts" };
    }

    public void Start() => _thread.Start();

    /// <summary>One scan; public so that tests can drive it with a fake clock.</summary>
    public void Scan()
    {
        var now = _time.GetTimestamp();
        foreach (var session in _sessions.All)
        {
            session.CheckTimeouts(now);
        }
        _dispatch(now);
        foreach (var duty in _duties)
        {
            duty(now);
        }
    }

    private void Run()
    {
        // The cadence is the machine's, not the injected clock's, which tests hold still.
        var nextScan = 0L;
        while (!_stop.Wait(_anyWaiting() ? WaitingTick : Tick))
        {
            if (Environment.TickCount64 < nextScan)
            {
                _dispatch(_time.GetTimestamp());
                continue;
            }
            Scan();
            nextScan = Environment.TickCount64 + (long)Tick.TotalMilliseconds * 9 / 10;
        }
    }

    public void Dispose()
    {
        _stop.Set();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }
        _stop.Dispose();
    }
}
