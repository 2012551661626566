using System.Net;
using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.Infrastructure;

namespace Tcplb.Net;

/// <summary>
/// One client connection, from accept to close: chooses the route (<c>Session.Hello.cs</c>), connects to a
/// server of it (<c>Session.Connect.cs</c>), then runs the two relays until both directions have ended. Pooled: the same object serves many connections in turn.
/// </summary>
/// <remarks>
/// Ownership: the session owns both sockets, and its slab slice for life. Exactly one path releases the sockets,
/// <see cref="Release"/>, run by whichever relay ends last (or by the connect path when no server takes the
/// client). Teardown is idempotent: <see cref="CloseState"/> keeps the first close reason of each connection
/// and ignores a stale one from the timeout thread that was meant for an earlier connection.
/// </remarks>
internal sealed partial class Session
{
    private readonly SessionContext _context;
    private readonly SessionPool _home;
    private readonly Relay _upstream;
    private readonly Relay _downstream;
    private readonly Memory<byte> _upstreamWindow;
    private readonly Memory<byte> _downstreamWindow;
    private Socket? _client;

    /// <summary>
    /// The client's address: the socket's peer, or the real client a PROXY header names. The one thing
    /// <c>--allow</c>/<c>--deny</c>, the per-client limit, the source hash, the access log and the outgoing PROXY
    /// header read; null when it could not be read.
    /// </summary>
    private IPEndPoint? _clientEndPoint;
    private Socket? _server;
    private Backend? _backend;
    private int _runningRelays;
    private int _state;
    private CloseState _close;
    private long _lastActivity;
    private long _openedAt;

    /// <summary>For the access log: how long the connect took (<c>connect_ms</c>), -1 before a server accepted; how long the client was queued (<c>queue_ms</c>).</summary>
    private long _connectTicks;
    private long _queueTicks;

    public Session(SessionContext context, SessionPool home, int slice)
    {
        _context = context;
        _home = home;
        (_upstreamWindow, _downstreamWindow) = context.Slab.Windows(slice);
        _upstream = new Relay(this);
        _downstream = new Relay(this);
        _attempt = new ConnectAttempt { MaxTries = context.MaxTries };
        _wait = new WaitNode(this, _attempt);
    }

    private enum State
    {
        Idle,
        ReadingHello,
        Connecting,
        Relaying,

        /// <summary>Waiting in the pool's queue for a server below its <c>maxconn</c> (<c>Session.Limits.cs</c>).</summary>
        Queued,
    }

    public CloseReason Reason => _close.Reason;

    /// <summary>The next idle session in <see cref="SessionPool"/>'s stack; null while in use.</summary>
    public Session? NextIdle { get; set; }

    /// <summary>Serves a freshly accepted client.</summary>
    public void Start(Socket client)
    {
        _client = client;
        // Read now: a client refused with a reset has no address to read at the end. The accepted socket
        // holds it already, so this allocates nothing.
        _clientEndPoint = SafeRemote(client);
        _close.Open();
        _openedAt = _context.Time.GetTimestamp();
        _lastActivity = _openedAt;
        _connectTicks = -1;
        _queueTicks = 0;
        _queuedAt = 0;
        _context.Connections.Opened();
        // No NoDelay call: Linux copies TCP_NODELAY (and SO_KEEPALIVE) from the listening socket to each
        // accepted one (ListenSocket sets both), which saves a system call per connection.
        _awaitingProxyHeader = false; // a read of the last connection's header may have ended with a receive error
        if (_context.AcceptProxy is { } fronts && _clientEndPoint is not null && fronts.Contains(_clientEndPoint.Address))
        {
            ReadProxyHeader(); // the real client is known from the header: it is admitted then
            return;
        }
        if (Admit())
        {
            ChooseRoute();
        }
    }

    /// <summary>Notes traffic, for the idle timeout.</summary>
    public void Touch()
    {
        if (_context.IdleTimeoutTicks > 0)
        {
            Volatile.Write(ref _lastActivity, _context.Time.GetTimestamp());
        }
    }

    /// <summary>Called once by each relay when its direction ends.</summary>
    public void RelayEnded(Relay relay, RelayEnd end, SocketError error)
    {
        var fromClient = relay == _upstream;
        switch (end)
        {
            case RelayEnd.EndOfStream when Volatile.Read(ref _runningRelays) == 1:
                // The other direction has ended already, so Release closes both sockets next: the close sends
                // this FIN (nothing is left unread on that socket), one system call fewer than shutdown + close.
                break;
            case RelayEnd.EndOfStream:
                // Half-close: pass the FIN on; the other direction keeps flowing until it ends too.
                try
                {
                    relay.Destination.Shutdown(SocketShutdown.Send);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    Abort(fromClient ? CloseReason.ServerError : CloseReason.ClientError, reset: true);
                }
                break;
            case RelayEnd.ReadFailed:
                Abort(fromClient ? CloseReason.ClientError : CloseReason.ServerError, reset: !IsLocalAbort(error));
                break;
            case RelayEnd.WriteFailed:
                Abort(fromClient ? CloseReason.ServerError : CloseReason.ClientError, reset: true);
                break;
        }
        if (Interlocked.Decrement(ref _runningRelays) == 0)
        {
            Release();
        }
    }

    private void StartRelaying(Socket server)
    {
        _server = server;
        Volatile.Write(ref _runningRelays, 2);
        Volatile.Write(ref _state, (int)State.Relaying);
        _downstream.Start(server, _client!, _downstreamWindow);
        ServerSideOrHelloDone(); // starts the upstream relay, with the PROXY header and the bytes read ahead
    }

    /// <summary>Ends the current connection at once: both sockets closed, with RST when <paramref name="reset"/>.</summary>
    private void Abort(CloseReason reason, bool reset) => Abort(reason, reset, _close.Generation);

    /// <summary>Ends connection <paramref name="generation"/>, if it is still the current one and open.</summary>
    private void Abort(CloseReason reason, bool reset, long generation)
    {
        if (!_close.TryClose(generation, reason))
        {
            return;
        }
        Close(_client, reset);
        Close(_server, reset);
    }

    private static void Close(Socket? socket, bool reset)
    {
        if (socket is null)
        {
            return;
        }
        if (reset)
        {
            socket.Close(0); // SO_LINGER 0: the peer sees a reset, as the other peer did
            return;
        }
        try
        {
            // FIN both ways; the relays' pending receives end, and Release disposes the sockets. Disposing a
            // socket with an operation pending would make the runtime disconnect it abortively (a reset).
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The single release path: counters, access log, sockets, and the session itself goes back to the pool.</summary>
    private void Release()
    {
        _close.TryClose(_close.Generation, CloseReason.Done);
        Volatile.Write(ref _state, (int)State.Idle);
        var reason = Reason;
        var lifeTicks = _context.Time.GetTimestamp() - _openedAt;
        _context.Connections.Closed(reason, _context.Time.Microseconds(lifeTicks));
        if (_backend is { } backend)
        {
            _pool.ReportClosed(backend, SentBytes, _downstream.Bytes);
        }
        LeaveClientLimit();
        if (_context.AccessLog)
        {
            WriteAccessLog(reason, lifeTicks);
        }
        _client?.Dispose();
        _server?.Dispose();
        _client = null;
        _server = null;
        _backend = null;
        _clientEndPoint = null;
        _home.Return(this);
    }

    private void WriteAccessLog(CloseReason reason, long lifeTicks)
    {
        _context.Log.Info("connection",
            ("client", _clientEndPoint is null ? "-" : Addresses.Unmap(_clientEndPoint)),
            ("server", _backend?.Name ?? "-"),
            ("sni", _serverName ?? "-"),
            ("sent", SentBytes),
            ("received", _server is null ? 0 : _downstream.Bytes),
            ("tries", _attempt.Tries),
            ("connect_ms", _connectTicks < 0 ? "-" : Milliseconds(_connectTicks)),
            ("queue_ms", Milliseconds(_queueTicks + QueuedSoFar())),
            ("duration", _context.Time.Span(lifeTicks)),
            ("reason", ReasonName(reason)));
    }

    private double Milliseconds(long ticks) => Math.Round(_context.Time.Span(ticks).TotalMilliseconds, 3);

    internal static string ReasonName(CloseReason reason) => reason switch
    {
        CloseReason.Done => "done",
        CloseReason.ClientError => "client-error",
        CloseReason.ServerError => "server-error",
        CloseReason.NoServer => "no-server",
        CloseReason.NoRoute => "no-route",
        CloseReason.Idle => "idle",
        CloseReason.Shutdown => "shutdown",
        CloseReason.QueueTimeout => "queue-timeout",
        CloseReason.ClientLimit => "client-limit",
        CloseReason.ClientRate => "client-rate",
        CloseReason.ServerDown => "server-down",
        CloseReason.PrimaryUp => "primary-up",
        CloseReason.Denied => "denied",
        CloseReason.BadProxyHeader => "bad-proxy-header",
        _ => "none",
    };

    private static IPEndPoint? SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint as IPEndPoint;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    private static ulong ClientAddressHash(IPEndPoint? client)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (client is not null && Addresses.Unmap(client).Address.TryWriteBytes(bytes, out var written))
        {
            return Hashing.Of(bytes[..written]);
        }
        return 0;
    }

    /// <summary>OperationAborted means our own close stopped the operation: nothing for the peer to see.</summary>
    private static bool IsLocalAbort(SocketError error) => error is SocketError.OperationAborted or SocketError.Shutdown;
}
