namespace Tcplb.Net;

/// <summary>
/// <c>--accept-proxy</c>: a connection from a front balancer starts with a PROXY header naming the real client.
/// The hello reader (<c>Session.Hello.cs</c>) reads it into the upstream window, with its receive, its deadline
/// on the timeout thread and its late-receive rule; the header is then cut off, the real client becomes
/// <see cref="_clientEndPoint"/> and is admitted as any client is at accept, and the bytes after the header
/// stay held: they are the start of the ClientHello when routes go by name, and go to the server first either way.
/// </summary>
internal sealed partial class Session
{
    private bool _awaitingProxyHeader;

    private void ReadProxyHeader()
    {
        _held = 0;
        _lateError = System.Net.Sockets.SocketError.Success;
        _serverName = null;
        _awaitingProxyHeader = true;
        _upstreamWaits = 2; // the server side, and the reader
        Volatile.Write(ref _helloDeadline, _openedAt + _context.ProxyHeaderTimeoutTicks);
        Volatile.Write(ref _state, (int)State.ReadingHello);
        ReceiveHello();
    }

    /// <summary>A receive completed while the header is awaited (the phase is this thread's); true when more should be read.</summary>
    private bool ProxyHeaderReceived(int bytes)
    {
        var window = _upstreamWindow.Span;
        var status = ProxyHeaderReader.Read(window[.._held], out var length, out var client);
        if (status == ProxyHeaderStatus.Incomplete && bytes > 0 && _held < HelloLimit)
        {
            return true;
        }
        _awaitingProxyHeader = false;
        Volatile.Write(ref _helloPhase, HelloWord(HelloPhase.Chosen));
        Interlocked.Decrement(ref _upstreamWaits); // the reader is done; the reject or the server side is still to come
        if (status != ProxyHeaderStatus.Complete)
        {
            Reject(CloseReason.BadProxyHeader);
            return false;
        }
        window[length.._held].CopyTo(window);
        _held -= length;
        _clientEndPoint = client ?? _clientEndPoint; // LOCAL or UNKNOWN: the front balancer's own connection
        if (!Admit())
        {
            return false;
        }
        var routes = _context.Routes;
        if (!routes.RoutesByName)
        {
            ConnectTo(routes.Default, CloseReason.NoServer);
            return false;
        }
        // Header first, then the ClientHello: read on from what is held, with the hello's own deadline.
        _upstreamWaits = 2;
        Volatile.Write(ref _helloDeadline, _context.Time.GetTimestamp() + _context.SniTimeoutTicks);
        if (_held > 0 && (_held >= HelloLimit || ClientHello.Check(window[.._held]) != HelloStatus.Incomplete))
        {
            Interlocked.Decrement(ref _upstreamWaits);
            Choose();
            return false;
        }
        return true;
    }

    /// <summary>Timeout thread, which took the pending receive: no whole header in time. The late receive releases the session.</summary>
    private void ProxyHeaderExpired()
    {
        _awaitingProxyHeader = false;
        Reject(CloseReason.BadProxyHeader);
    }
}
