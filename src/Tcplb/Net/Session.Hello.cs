using System.Net.Sockets;
using Tcplb.Balancing;
using Tcplb.Configuration;

namespace Tcplb.Net;

/// <summary>
/// Choosing the route, the step before the connect. When no hosts line has <c>sni=</c>, it is the default
/// route at once: nothing is read. Otherwise the client's first bytes are read into the upstream window until
/// they hold a whole ClientHello or show they are not one, the window is full, the client ends its side, or
/// <c>--sni-timeout</c> passes (the timeout thread's scan, no timer per connection); the server name chooses
/// the route (<see cref="RouteTable.Find"/>). The bytes read go to the server first, unchanged, after the
/// PROXY protocol header when that is on.
/// </summary>
/// <remarks>
/// A receive cannot be cancelled without closing the socket, so when the timeout chooses, the receive then
/// pending stays: it is the "late" receive. Its bytes join those held, and the upstream relay starts only
/// when both it and the server side (connected, or given up) are done: <see cref="_upstreamWaits"/> counts
/// them, and the last one starts the relay, or releases the session when no server took the client. Who
/// handles a receive's completion and who times it out is settled by one compare-and-swap on
/// <see cref="_helloPhase"/>, tagged with the connection's generation like <see cref="CloseState"/>.
/// </remarks>
internal sealed partial class Session
{
    private HelloArgs? _hello;
    private int _held;
    private long _helloDeadline;
    private long _helloPhase;
    private int _upstreamWaits;
    private SocketError _lateError;
    private string? _serverName;

    private enum HelloPhase
    {
        /// <summary>A receive is pending (or about to be posted); the timeout may take it.</summary>
        Receiving,

        /// <summary>A completed receive is being handled.</summary>
        Handling,

        /// <summary>The route is chosen.</summary>
        Chosen,
    }

    /// <summary>Bytes sent to the server: those the relay moved and those read ahead of it.</summary>
    private long SentBytes => _server is null ? 0 : _upstream.Bytes + _held;

    /// <summary>How much of the upstream window the hello may fill: all of it but the room of a PROXY protocol header.</summary>
    private int HelloLimit => _upstreamWindow.Length - (_context.ProxyProtocol == ProxyProtocolVersion.None ? 0 : ProxyProtocolHeader.MaxLength);

    private void ChooseRoute()
    {
        _held = 0;
        _lateError = SocketError.Success;
        _serverName = null;
        var routes = _context.Routes;
        if (!routes.RoutesByName)
        {
            _upstreamWaits = 1;
            ConnectTo(routes.Default, CloseReason.NoServer);
            return;
        }
        _upstreamWaits = 2; // the server side, and the hello reader
        Volatile.Write(ref _helloDeadline, _openedAt + _context.SniTimeoutTicks);
        Volatile.Write(ref _state, (int)State.ReadingHello);
        ReceiveHello();
    }

    private void ReceiveHello()
    {
        var hello = _hello ??= new HelloArgs(this);
        while (true)
        {
            hello.SetBuffer(_upstreamWindow[_held..HelloLimit]);
            Volatile.Write(ref _helloPhase, HelloWord(HelloPhase.Receiving));
            bool pending;
            try
            {
                pending = _client!.ReceiveAsync(hello);
            }
            catch (ObjectDisposedException)
            {
                LateHelloReceived(SocketError.OperationAborted, 0); // the timeout chose meanwhile, and no server took the client
                return;
            }
            if (pending || !HelloReceived(hello.SocketError, hello.BytesTransferred))
            {
                return;
            }
        }
    }

    private void OnHelloReceived()
    {
        if (HelloReceived(_hello!.SocketError, _hello.BytesTransferred))
        {
            ReceiveHello();
        }
    }

    /// <summary>Handles a completed receive; true when more should be read.</summary>
    private bool HelloReceived(SocketError error, int bytes)
    {
        var receiving = HelloWord(HelloPhase.Receiving);
        if (Interlocked.CompareExchange(ref _helloPhase, HelloWord(HelloPhase.Handling), receiving) != receiving)
        {
            LateHelloReceived(error, bytes);
            return false;
        }
        if (error != SocketError.Success)
        {
            Volatile.Write(ref _helloPhase, HelloWord(HelloPhase.Chosen));
            Abort(CloseReason.ClientError, reset: !IsLocalAbort(error));
            Release();
            return false;
        }
        _held += bytes;
        if (_awaitingProxyHeader)
        {
            return ProxyHeaderReceived(bytes);
        }
        if (bytes > 0 && _held < HelloLimit && ClientHello.Check(_upstreamWindow.Span[.._held]) == HelloStatus.Incomplete)
        {
            return true;
        }
        Volatile.Write(ref _helloPhase, HelloWord(HelloPhase.Chosen));
        Interlocked.Decrement(ref _upstreamWaits); // the reader is done; the server side is still to come
        Choose();
        return false;
    }

    /// <summary>Timeout thread: past <c>--sni-timeout</c>, take the pending receive and choose from what is held.</summary>
    private void ExpireHello(long now)
    {
        var receiving = Volatile.Read(ref _helloPhase); // read before the deadline: a later connection writes its deadline first
        if ((HelloPhase)(receiving & 3) != HelloPhase.Receiving || now < Volatile.Read(ref _helloDeadline))
        {
            return;
        }
        if (Interlocked.CompareExchange(ref _helloPhase, receiving - (long)HelloPhase.Receiving + (long)HelloPhase.Chosen, receiving) != receiving)
        {
            return;
        }
        if (_awaitingProxyHeader)
        {
            ProxyHeaderExpired();
            return;
        }
        Choose();
    }

    /// <summary>
    /// The route for what is held: by the server name when the hello, or the part of it held, has one; else
    /// the default route (not TLS, a malformed hello, no name, nothing sent in time).
    /// </summary>
    private void Choose()
    {
        Span<char> name = stackalloc char[ClientHello.MaxNameLength];
        ClientHello.Read(_upstreamWindow.Span[.._held], name, out var length);
        var serverName = name[..length];
        if (length > 0 && _context.AccessLog)
        {
            _serverName = new string(serverName);
        }
        Touch(); // the idle timeout counts from here: waiting for the hello had its own
        ConnectTo(_context.Routes.Find(serverName), CloseReason.NoRoute);
    }

    private void ConnectTo(Route? route, CloseReason otherwise)
    {
        Volatile.Write(ref _state, (int)State.Connecting);
        if (route is null)
        {
            Reject(otherwise);
            return;
        }
        route.Counted();
        _pool = route.Pool;
        _connectingSince = _context.Time.GetTimestamp(); // not from the accept: waiting for the hello had its own limit
        ConnectNext();
    }

    /// <summary>The receive the timeout left pending has completed: its bytes join those held.</summary>
    private void LateHelloReceived(SocketError error, int bytes)
    {
        if (error != SocketError.Success)
        {
            _lateError = error;
        }
        _held += bytes;
        ServerSideOrHelloDone();
    }

    /// <summary>
    /// The server side (connected, or given up) or the hello reader is done. The last of the two starts the
    /// upstream relay, or releases the session when no server took the client.
    /// </summary>
    private void ServerSideOrHelloDone()
    {
        if (Interlocked.Decrement(ref _upstreamWaits) != 0)
        {
            return;
        }
        if (_server is null)
        {
            Release();
            return;
        }
        var client = _client!;
        if (_lateError != SocketError.Success)
        {
            // The client failed while its server was being connected: end both sides, as a relay would have;
            // the relay started below then ends at once.
            Abort(CloseReason.ClientError, reset: !IsLocalAbort(_lateError));
        }
        _upstream.Start(client, _server, _upstreamWindow, Prefill(client));
    }

    /// <summary>Puts the PROXY protocol header, when on, before the bytes read ahead; returns how many bytes the relay sends first.</summary>
    private int Prefill(Socket client)
    {
        if (_context.ProxyProtocol == ProxyProtocolVersion.None)
        {
            return _held;
        }
        Span<byte> header = stackalloc byte[ProxyProtocolHeader.MaxLength];
        var length = ProxyProtocolHeader.Write(_context.ProxyProtocol, _clientEndPoint, client, header);
        var window = _upstreamWindow.Span;
        window[.._held].CopyTo(window[length..]);
        header[..length].CopyTo(window);
        return length + _held;
    }

    private long HelloWord(HelloPhase phase) => _close.Generation << 2 | (long)phase;

    /// <summary>The hello receive's arguments, reused for every connection of this session.</summary>
    private sealed class HelloArgs(Session session) : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true)
    {
        protected override void OnCompleted(SocketAsyncEventArgs e) => session.OnHelloReceived();
    }
}
