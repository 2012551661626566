using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tcplb.Infrastructure;
using Tcplb.SharedState;

namespace Tcplb.Runtime;

/// <summary>
/// The other worker processes, as the first worker (the process the user started) keeps them: it starts one
/// per listening socket of the group after its own, gives the shared state table to each, gives back what a
/// worker that died held in it (its <c>maxconn</c> slots, client counts, gauges) and starts it again, passes
/// signals on, and waits for them at the end. The first worker keeps its copy of each listening socket while
/// running, so that connections the kernel gives a restarting worker's socket wait in its backlog, not lost.
/// </summary>
/// <remarks>Threading: signals arrive on the runtime's signal thread; exits are handled on the watch thread.</remarks>
internal sealed class WorkerGroup : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(1);

    private readonly Socket[] _listeners;
    private readonly StateTable _table;
    private readonly IReadOnlyList<string> _args;
    private readonly Log _log;
    private readonly WorkerProcess?[] _workers;
    private readonly Thread _watch;
    private readonly AutoResetEvent _exited = new(false);
    private readonly LogThrottle _restartFailures = new(TimeProvider.System, TimeSpan.FromMinutes(1));
    private volatile bool _stopping;

    /// <param name="listeners">The group's sockets; the first is the first worker's own, each other one is given to a worker.</param>
    /// <param name="table">The shared state table, made shareable, that every worker maps.</param>
    /// <param name="args">The command line, passed unchanged to every worker.</param>
    public WorkerGroup(Socket[] listeners, StateTable table, IReadOnlyList<string> args, Log log)
    {
        _listeners = listeners;
        _table = table;
        _args = args;
        _log = log;
        _workers = new WorkerProcess?[listeners.Length];
        _watch = new Thread(Watch) { IsBackground = true, Name = "tcplb workers" };
    }

    /// <summary>Starts every other worker and waits until each serves; false (and all stopped) when one cannot start.</summary>
    public bool Start()
    {
        for (var i = 1; i < _workers.Length; i++)
        {
            WorkerProcess worker;
            try
            {
                worker = _workers[i] = StartWorker(i);
            }
            catch (WorkerStartException e)
            {
                _log.Error(e.Message);
                Stop();
                WaitForExit(TimeSpan.FromSeconds(5));
                return false;
            }
            if (!worker.WaitUntilReady(StartTimeout))
            {
                _log.Error("worker did not start", ("worker", i), ("exit_code", worker.HasExited ? worker.ExitCode : null));
                Stop();
                WaitForExit(TimeSpan.FromSeconds(5));
                return false;
            }
        }
        _watch.Start();
        return true;
    }

    /// <summary>Passes a signal on as a command: SIGHUP to reload, SIGTERM to drain, a second SIGTERM to exit at once.</summary>
    public void Relay(PosixSignal signal)
    {
        if (signal == PosixSignal.SIGTERM && !_stopping)
        {
            Stop();
            return;
        }
        Send(signal == PosixSignal.SIGHUP ? WorkerChannel.ReloadCommand : WorkerChannel.ExitCommand);
    }

    /// <summary>Waits for every worker to exit; true when all did in time and with exit code 0.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var clean = true;
        foreach (var worker in _workers)
        {
            if (worker is null)
            {
                continue;
            }
            var left = Math.Max(0, deadline - Environment.TickCount64);
            clean &= worker.WaitForExit(TimeSpan.FromMilliseconds(left)) && worker.ExitCode == 0;
        }
        return clean;
    }

    private void Stop()
    {
        _stopping = true;
        _exited.Set();
        for (var i = 1; i < _listeners.Length; i++)
        {
            try
            {
                // The worker's descriptor is the same socket: shutting it down here stops the kernel queueing
                // connections for it at once, before the worker has even seen its SIGTERM.
                _listeners[i].Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
            _listeners[i].Dispose();
        }
        Send(WorkerChannel.StopCommand);
    }

    private void Send(string command)
    {
        foreach (var worker in _workers)
        {
            worker?.Send(command);
        }
    }

    private WorkerProcess StartWorker(int index) => WorkerProcess.Start(index, _listeners[index], _table.Descriptor, _args, () => _exited.Set());

    /// <summary>
    /// When workers exit while the group is not stopping: gives back at once what each held in the shared table
    /// (nobody else will), then starts them again after a pause, so that a worker that keeps failing does not spin.
    /// A start the system refuses leaves the place empty and is tried again a pause later.
    /// </summary>
    private void Watch()
    {
        while (!_stopping)
        {
            _exited.WaitOne(Array.IndexOf(_workers, null, 1) > 0 ? RestartPause : Timeout.InfiniteTimeSpan);
            for (var i = 1; i < _workers.Length && !_stopping; i++)
            {
                if (_workers[i] is { HasExited: true } worker)
                {
                    _table.ReleaseWorker(i, worker.Id);
                    _log.Error("worker exited; starting it again", ("worker", i), ("exit_code", worker.ExitCode));
                    worker.Dispose();
                    _workers[i] = null;
                }
            }
            if (Array.IndexOf(_workers, null, 1) > 0 && !_stopping && !RestartMissing())
            {
                return;
            }
        }
    }

    /// <summary>Starts the workers whose place is empty, after the pause; false when the group is stopping.</summary>
    private bool RestartMissing()
    {
        Thread.Sleep(RestartPause);
        for (var i = 1; i < _workers.Length && !_stopping; i++)
        {
            if (_workers[i] is not null)
            {
                continue;
            }
            try
            {
                var restarted = _workers[i] = StartWorker(i);
                restarted.WaitUntilReady(StartTimeout);
                if (_stopping)
                {
                    restarted.Send(WorkerChannel.StopCommand); // the stop came while it started
                }
            }
            catch (ObjectDisposedException)
            {
                return false; // stopping: its listening socket is closed
            }
            catch (WorkerStartException e)
            {
                if (_restartFailures.TryPass()) // tried every pause, said at most once a minute
                {
                    _log.Error(e.Message);
                }
            }
        }
        return true;
    }

    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker?.Dispose();
        }
        // _exited stays: a worker that outlives the wait may still report its exit.
    }
}
