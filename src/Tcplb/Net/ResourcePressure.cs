using System.Net.Sockets;
using Tcplb.Infrastructure;

namespace Tcplb.Net;

/// <summary>
/// Out of file descriptors (or socket buffers), wherever it shows: accepting a client or opening the socket
/// to a server. Either way the listener pauses accepting for <see cref="Pause"/>, so that clients wait in
/// the kernel's backlog instead of being accepted only to be dropped, and the condition is logged at most
/// once per <see cref="WarningInterval"/>, never per client. Thread-safe.
/// </summary>
internal sealed class ResourcePressure(Log log, TimeProvider time)
{
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly LogThrottle _warning = new(time, WarningInterval);
    private long _pausedUntil;

    public static bool IsOutOfResources(SocketError error) =>
        error is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable;

    /// <summary>Records the condition: accepting pauses, and a warning is logged unless one was within the interval.</summary>
    public void Report(string where, SocketError error)
    {
        var now = time.GetTimestamp();
        Volatile.Write(ref _pausedUntil, now + time.Ticks(Pause));
        if (_warning.TryPass())
        {
            log.Warn("out of file descriptors; accepting pauses, clients wait in the backlog", ("at", where), ("error", error));
        }
    }

    /// <summary>How long accepting should still pause; zero when it may go on.</summary>
    public TimeSpan PauseLeft()
    {
        var left = Volatile.Read(ref _pausedUntil) - time.GetTimestamp();
        return left > 0 ? time.Span(left) : TimeSpan.Zero;
    }
}
