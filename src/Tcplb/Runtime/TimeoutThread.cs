using Tcplb.Net;

namespace Tcplb.Runtime;

/// <summary>
/// One background thread for every timeout: about every 100 ms it scans the sessions for passed connect
/// deadlines, idle connections and queue timeouts, then runs the other periodic duties it was given (health
/// checks that are due, clients waiting for a freed slot). No timer object per connection, and nothing on the
/// relay path beyond writing a timestamp.
/// </summary>
internal sealed class TimeoutThread : IDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly SessionPool _sessions;
    private readonly Action<long>[] _duties;
    private readonly TimeProvider _time;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;

    /// <param name="duties">Run after each scan with its timestamp; they must not block.</param>
    public TimeoutThread(SessionPool sessions, TimeProvider time, params Action<long>[] duties)
    {
        _sessions = sessions;
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
        foreach (var duty in _duties)
        {
            duty(now);
        }
    }

    private void Run()
    {
        while (!_stop.Wait(Tick))
        {
            Scan();
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
