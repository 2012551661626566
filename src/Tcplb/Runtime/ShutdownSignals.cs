using System.Runtime.InteropServices;

using Tcplb.Infrastructure;

namespace Tcplb.Runtime;

/// <summary>
/// SIGTERM or SIGINT asks for a graceful stop (drain); a second one ends the process at once (exit code 1).
/// SIGHUP asks for a reload of the hosts file.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly ManualResetEventSlim _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly Log _log;
    private int _stopSignals;

    public ShutdownSignals(Log log, Action reload)
    {
        _log = log;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStop),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStop),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                reload();
            }),
        ];
    }

    public void WaitForStop() => _stop.Wait();

    private void OnStop(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _stopSignals) == 1)
        {
            _stop.Set();
            return;
        }
        _log.Warn("second stop signal; exiting now");
        Environment.Exit(1);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _stop.Dispose();
    }
}
