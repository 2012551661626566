using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tcplb.Infrastructure;

namespace Tcplb.Runtime;

/// <summary>
/// The other worker processes, as the first worker (the process the user started) keeps them: it starts one
/// per listening socket of the group after its own, restarts one that dies, passes signals on, asks each for
/// its status, and waits for them at the end. The first worker keeps its copy of each listening socket while
/// running, so that connections the kernel gives a restarting worker's socket wait in its backlog, not lost.
/// </summary>
/// <remarks>Threading: signals arrive on the runtime's signal thread; statuses are asked for from the admin endpoint's.</remarks>
internal sealed class WorkerGroup : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(1);

    private readonly Socket[] _listeners;
    private readonly IReadOnlyList<string> _args;
    private readonly Log _log;
    private readonly WorkerProcess?[] _workers;
    private readonly Thread _watch;
    private readonly LogThrottle _restartFailures = new(TimeProvider.System, TimeSpan.FromMinutes(1));
    private volatile bool _stopping;

    /// <param name="listeners">The group's sockets; the first is the first worker's own, each other one is given to a worker.</param>
    /// <param name="args">The command line, passed unchanged to every worker.</param>
    public WorkerGroup(Socket[] listeners, IReadOnlyList<string> args, Log log)
    {
        _listeners = listeners;
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
                worker = _workers[i] = WorkerProcess.Start(i, _listeners[i], _args);
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

    /// <summary>The status documents of the workers that answer in time.</summary>
    public List<byte[]> Statuses()
    {
        var documents = new List<byte[]>(_workers.Length);
        foreach (var worker in _workers)
        {
            if (worker?.Status(StatusTimeout) is { } document)
            {
                documents.Add(document);
            }
        }
        return documents;
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

    /// <summary>Restarts a worker that exited while the group is not stopping.</summary>
    private void Watch()
    {
        while (!_stopping)
        {
            Thread.Sleep(RestartPause);
            for (var i = 1; i < _workers.Length && !_stopping; i++)
            {
                var worker = _workers[i];
                if (worker is { HasExited: false })
                {
                    continue;
                }
                if (worker is not null)
                {
                    _log.Error("worker exited; starting it again", ("worker", i), ("exit_code", worker.ExitCode));
                    worker.Dispose();
                    _workers[i] = null; // until one starts: a start that fails is tried again the next round
                }
                try
                {
                    var restarted = _workers[i] = WorkerProcess.Start(i, _listeners[i], _args);
                    restarted.WaitUntilReady(StartTimeout);
                    if (_stopping)
                    {
                        restarted.Send(WorkerChannel.StopCommand); // the stop came while it started
                    }
                }
                catch (ObjectDisposedException)
                {
                    return; // stopping: its listening socket is closed
                }
                catch (WorkerStartException e)
                {
                    if (_restartFailures.TryPass()) // tried every round, said at most once a minute
                    {
                        _log.Error(e.Message);
                    }
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker?.Dispose();
        }
    }
}
