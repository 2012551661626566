using System.Runtime.InteropServices;
using Tcplb.Infrastructure;

namespace Tcplb.Runtime;

/// <summary>
/// SIGTERM or SIGINT asks for a graceful stop (after <c>--shutdown-delay</c>, a drain); a second one ends the
/// process at once (exit code 1).
/// SIGHUP asks for a reload of the hosts file. The first worker process passes each signal on to the others
/// (<c>relay</c>, as <see cref="WorkerChannel"/> commands); they ignore SIGINT, which a terminal sends to every
/// process of the group at once, so a Ctrl-C counts once.
/// </summary>
internal sealed partial class ShutdownSignals : IDisposable
{
    private const int SigHup = 1;
    private const nint DefaultAction = 0; // SIG_DFL

    private readonly ManualResetEventSlim _stop = new();
    private readonly ManualResetEventSlim _stopNow = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly Log _log;
    private readonly Action<PosixSignal>? _relay;
    private int _stopSignals;
    private int _stopPassedOn;

    public ShutdownSignals(Log log, Action reload, Action<PosixSignal>? relay = null, bool ignoreInterrupt = false)
    {
        _log = log;
        _relay = relay;
        // Started with SIGHUP ignored (nohup), the runtime would keep it ignored despite the registration below:
        // back to the default first, so that a HUP reloads whatever started tcplb.
        _ = Signal(SigHup, DefaultAction);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStop),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, ignoreInterrupt ? static context => context.Cancel = true : OnStop),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                _relay?.Invoke(PosixSignal.SIGHUP);
                reload();
            }),
        ];
    }

    /// <summary>
    /// Waits for a stop signal, then through <paramref name="delay"/> while clients are still accepted (after
    /// <paramref name="stopping"/>, which turns <c>/healthz</c> to 503), unless a command cuts it short; then passes
    /// the stop on to the other workers, which drain at once.
    /// </summary>
    public void WaitForStop(TimeSpan delay = default, Action? stopping = null)
    {
        _stop.Wait();
        if (delay > TimeSpan.Zero && !_stopNow.IsSet)
        {
            stopping?.Invoke();
            _log.Info("stopping; still accepting for the shutdown delay", ("shutdown_delay", delay));
            _stopNow.Wait(delay);
        }
        PassStopOn();
    }

    /// <summary>Stops as a first SIGTERM would, without the delay (the first worker said so after its own, or is gone); not counted as a signal, so a SIGTERM after it still drains.</summary>
    public void RequestStop()
    {
        _stopNow.Set();
        _stop.Set();
    }

    private void OnStop(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _stopSignals) == 1)
        {
            _stop.Set(); // WaitForStop passes it on, after the shutdown delay
            return;
        }
        PassStopOn(); // still in the shutdown delay: the others drain first, so that the next one is their exit
        _relay?.Invoke(PosixSignal.SIGTERM);
        _log.Warn("second stop signal; exiting now");
        Environment.Exit(1);
    }

    /// <summary>The first worker tells the others to drain, once, whichever of the delay's end and a second signal comes first.</summary>
    private void PassStopOn()
    {
        if (Interlocked.Exchange(ref _stopPassedOn, 1) == 0)
        {
            _relay?.Invoke(PosixSignal.SIGTERM);
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint action);

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _stop.Dispose();
        _stopNow.Dispose();
    }
}
