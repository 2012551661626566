using System.Net;
using System.Net.Sockets;

namespace Tcplb.Net;

/// <summary>
/// Accepts clients and hands each to a pooled session. A session (with its slab slice) is taken before the
/// accept is posted, so when all are in use the listener simply stops accepting (new clients wait in the
/// kernel's backlog) until one comes back. Out of file descriptors (<see cref="ResourcePressure"/>), it
/// pauses and retries instead of spinning.
/// </summary>
/// <remarks>Threading: one accept outstanding at a time; the accept loop runs on whichever thread completed the last accept.</remarks>
internal sealed class Listener : SocketAsyncEventArgs, IThreadPoolWorkItem
{
    private const int MaxSynchronousAccepts = 64;

    private readonly Socket _socket;
    private readonly SessionPool _sessions;
    private readonly ResourcePressure _pressure;
    private readonly Timer _retry;
    private Session? _next;
    private volatile bool _stopped;

    public Listener(Socket socket, SessionPool sessions, ResourcePressure pressure)
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        _socket = socket;
        _sessions = sessions;
        _pressure = pressure;
        _retry = new Timer(static state => ((Listener)state!).Accept(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public void Start() => Accept();

    /// <summary>Stops accepting at once: the listening socket closes, so new clients are refused.</summary>
    public void Stop()
    {
        _stopped = true;
        _socket.Dispose();
    }

    void IThreadPoolWorkItem.Execute() => Accept();

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (Accepted())
        {
            Accept();
        }
    }

    private void Accept()
    {
        for (var i = 0; i < MaxSynchronousAccepts; i++)
        {
            if (_stopped)
            {
                GiveBackNext();
                return;
            }
            var pause = _pressure.PauseLeft();
            if (pause > TimeSpan.Zero)
            {
                _retry.Change(pause, Timeout.InfiniteTimeSpan);
                return;
            }
            if (_next is null)
            {
                _next = _sessions.TryRent(this);
                if (_next is null)
                {
                    return; // paused: the pool queues this listener again when a session is returned
                }
            }
            AcceptSocket = null;
            try
            {
                if (_socket.AcceptAsync(this))
                {
                    return;
                }
            }
            catch (ObjectDisposedException)
            {
                GiveBackNext();
                return;
            }
            if (!Accepted())
            {
                return;
            }
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Handles a finished accept; true when the next accept may be posted.</summary>
    private bool Accepted()
    {
        if (SocketError == SocketError.Success)
        {
            var session = _next!;
            _next = null;
            session.Start(AcceptSocket!);
            return true;
        }
        // InvalidArgument: the listening socket was shut down (by the first worker, for the whole group).
        if (_stopped || SocketError is SocketError.OperationAborted or SocketError.InvalidArgument)
        {
            GiveBackNext();
            return false;
        }
        if (ResourcePressure.IsOutOfResources(SocketError))
        {
            _pressure.Report("accept", SocketError);
            _retry.Change(ResourcePressure.Pause, Timeout.InfiniteTimeSpan);
            return false;
        }
        return true; // a client that gave up while queued: move on to the next
    }

    private void GiveBackNext()
    {
        var session = Interlocked.Exchange(ref _next, null);
        if (session is not null)
        {
            _sessions.Return(session);
        }
    }
}
