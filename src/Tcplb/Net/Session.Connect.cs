using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.Infrastructure;

namespace Tcplb.Net;

/// <summary>
/// The connect phase: try servers one after another until one accepts. A refusal or a timeout marks that
/// server down and moves the same client on to the next one; the client sees a failure only when every
/// server failed in this attempt.
/// </summary>
internal sealed partial class Session
{
    /// <summary>Made by the constructor, with <c>--retries</c>.</summary>
    private readonly ConnectAttempt _attempt;

    /// <summary>The pool of the route chosen for this connection.</summary>
    private BackendPool _pool = null!;

    /// <summary>The socket of the connect in flight; whoever takes it (completion or timeout) decides its fate.</summary>
    private Socket? _connecting;
    private long _connectDeadline;

    /// <summary>When the connect in flight started: the server's connect time is measured from it.</summary>
    private long _attemptStartedAt;

    /// <summary>When out of descriptors: when the timeout thread should try to open the server socket again; 0 otherwise.</summary>
    private long _descriptorRetryAt;

    /// <summary>When the route was chosen: a client waiting for a descriptor is given up a connect timeout after it.</summary>
    private long _connectingSince;

    /// <param name="granted">A server whose slot the queue gave this client (<c>Session.Limits.cs</c>), to try first.</param>
    private void ConnectNext(Backend? granted = null)
    {
        while (true)
        {
            var server = granted ?? _pool.Pick(_attempt);
            granted = null;
            if (server is null)
            {
                if (_attempt.MustWait)
                {
                    Wait();
                    return;
                }
                Reject();
                return;
            }
            Socket socket;
            try
            {
                socket = ServerSocket.Open(server.EndPoint, _context.ServerKeepAlive, _context.SourceEndPoint);
            }
            catch (SocketException e) when (ResourcePressure.IsOutOfResources(e.SocketErrorCode))
            {
                // Our problem, not the server's: accepting pauses, and this client waits for a descriptor
                // (the timeout thread tries again) for up to the connect timeout.
                _context.Pressure.Report("server socket", e.SocketErrorCode);
                _pool.ReturnSlot(server);
                Volatile.Write(ref _descriptorRetryAt, _context.Time.GetTimestamp() + _context.Time.Ticks(ResourcePressure.Pause));
                return;
            }
            catch (SocketException e)
            {
                _context.Log.Warn("cannot open a server socket", ("error", ErrorText.Of(e)));
                _pool.ReturnSlot(server);
                Reject();
                return;
            }
            _backend = server;
            _attemptStartedAt = _context.Time.GetTimestamp();
            Volatile.Write(ref _connectDeadline, _attemptStartedAt + _context.ConnectTimeoutTicks);
            Volatile.Write(ref _connecting, socket);
            bool pending;
            try
            {
                pending = _downstream.Connect(socket, server.EndPoint);
            }
            catch (ObjectDisposedException)
            {
                pending = false; // the timeout thread got there first; handled as a timeout below
            }
            if (pending || !ConnectCompleted())
            {
                return;
            }
        }
    }

    /// <summary>Handles a finished connect; true when the next server should be tried.</summary>
    private bool ConnectCompleted()
    {
        var socket = Interlocked.Exchange(ref _connecting, null);
        var backend = _backend!;
        if (socket is not null && _downstream.SocketError == SocketError.Success)
        {
            _pool.ReportConnected(backend, _attemptStartedAt);
            if (_context.AccessLog)
            {
                _connectTicks = _context.Time.GetTimestamp() - _connectingSince - _queueTicks;
            }
            StartRelaying(socket);
            return false;
        }
        socket?.Dispose();
        _backend = null;
        _pool.ReportConnectFailure(backend, socket is null ? "timeout" : Describe(_downstream.SocketError));
        return true;
    }

    /// <summary>The downstream relay's completion of a connect it was lent for (<see cref="Relay.Connect"/>).</summary>
    public void OnConnectCompleted()
    {
        if (ConnectCompleted())
        {
            ConnectNext();
        }
    }

    /// <summary>
    /// Timeout thread: past the deadline, take the connecting socket and close it, which completes the connect
    /// as failed. A client waiting for a descriptor is tried again, or given up after the connect timeout.
    /// </summary>
    private void ExpireConnect(long now)
    {
        var retryAt = Volatile.Read(ref _descriptorRetryAt);
        if (retryAt != 0 && now >= retryAt && Interlocked.CompareExchange(ref _descriptorRetryAt, 0, retryAt) == retryAt)
        {
            if (now - _connectingSince > _context.ConnectTimeoutTicks)
            {
                Reject();
            }
            else
            {
                ConnectNext();
            }
            return;
        }
        var socket = Volatile.Read(ref _connecting); // read before the deadline: ConnectNext writes them in the other order
        if (socket is null || now < Volatile.Read(ref _connectDeadline))
        {
            return;
        }
        if (Interlocked.CompareExchange(ref _connecting, null, socket) == socket)
        {
            socket.Dispose();
        }
    }

    /// <summary>No server would take the client (or none serves its name, or it may not have one): close it with a reset, so it knows it was not served.</summary>
    private void Reject(CloseReason reason = CloseReason.NoServer)
    {
        _close.TryClose(_close.Generation, reason);
        _context.Log.Debug("no server for client", ("tries", _attempt.Tries), ("reason", ReasonName(reason)));
        _client?.Close(0);
        ServerSideOrHelloDone(); // releases the session, once a hello receive still pending has completed
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "refused",
        SocketError.TimedOut => "timeout",
        SocketError.HostUnreachable => "host-unreachable",
        SocketError.NetworkUnreachable => "network-unreachable",
        SocketError.ConnectionReset => "reset",
        _ => error.ToString(),
    };
}
