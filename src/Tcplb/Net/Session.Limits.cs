using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Balancing;

namespace Tcplb.Net;

/// <summary>
/// Traffic control: the address filter and the per-client rate and limit, checked once at accept, and the wait for a slot when every server is
/// at its <c>maxconn</c>. A waiting client holds its session and slab slice but no server socket; no timer or
/// task is made for it: a freed slot hands itself to the first client waiting (<see cref="BackendPool.DispatchWaiting"/>),
/// and the timeout thread's scan ends a wait that lasted the queue timeout.
/// </summary>
internal sealed partial class Session : IQueueWaiter
{
    private readonly WaitNode _wait;
    private QueueTurn? _turn;
    private Backend? _granted;
    private ClientKey _clientKey;
    private bool _clientCounted;

    /// <summary>
    /// The client's address is known (at accept, or from its PROXY header): <c>--allow</c>/<c>--deny</c>, the
    /// source hash and the per-client limit judge it. False when the client has been reset.
    /// </summary>
    private bool Admit()
    {
        if (_context.ClientFilter is { } filter && (_clientEndPoint is null || !filter.Admits(_clientEndPoint.Address)))
        {
            _upstreamWaits = 1; // no hello is read: the reject alone releases the session
            Reject(CloseReason.Denied);
            return false;
        }
        _attempt.Begin(_context.HashClients ? ClientAddressHash(_clientEndPoint) : 0);
        return EnterClientLimit();
    }

    /// <summary>When the client began to wait, for the access log's <c>queue_ms</c>; 0 when not waiting (or no access log).</summary>
    private long _queuedAt;

    /// <summary>
    /// Judges the client by <c>--max-conn-rate-per-client</c>, then counts it against <c>--max-conns-per-client</c>;
    /// false when it is over either and has been reset.
    /// </summary>
    private bool EnterClientLimit()
    {
        if (_context.ClientLimit is null && _context.ClientRate is null)
        {
            return true;
        }
        _clientKey = _clientEndPoint is null ? new ClientKey(0, true) : ClientKey.Of(_clientEndPoint.Address);
        var reason = _context.ClientRate?.TryAdmit(_clientKey) == false ? CloseReason.ClientRate
            : _context.ClientLimit?.TryEnter(_clientKey) == false ? CloseReason.ClientLimit
            : CloseReason.Done;
        if (reason == CloseReason.Done)
        {
            _clientCounted = _context.ClientLimit is not null;
            return true;
        }
        _upstreamWaits = 1; // no hello is read: the reject alone releases the session
        Reject(reason);
        return false;
    }

    private void LeaveClientLimit()
    {
        if (_clientCounted)
        {
            _clientCounted = false;
            _context.ClientLimit!.Leave(_clientKey);
        }
    }

    /// <summary>Every server this client may use is full: wait in the pool's queue, first in first out.</summary>
    private void Wait()
    {
        if (!_attempt.HasWaited)
        {
            _wait.Deadline = _context.Time.GetTimestamp() + _context.QueueTimeoutTicks;
        }
        if (_context.AccessLog)
        {
            _queuedAt = _context.Time.GetTimestamp();
        }
        Volatile.Write(ref _state, (int)State.Queued);
        _pool.Enqueue(_wait); // its turn may come at once, on another thread
    }

    /// <summary>Under the queue's lock: a slot of <paramref name="server"/> is this client's (or no server is left: null); go on elsewhere.</summary>
    void IQueueWaiter.TurnCame(Backend? server)
    {
        _granted = server;
        Volatile.Write(ref _state, (int)State.Connecting);
        ThreadPool.UnsafeQueueUserWorkItem(_turn ??= new QueueTurn(this), preferLocal: false);
    }

    private void ResumeAfterWait()
    {
        _queueTicks += QueuedSoFar();
        _queuedAt = 0;
        var server = _granted;
        _granted = null;
        if (server is null)
        {
            Reject();
            return;
        }
        ConnectNext(server);
    }

    /// <summary>How long the client has been waiting in the queue, if it is; 0 otherwise.</summary>
    private long QueuedSoFar() => _queuedAt == 0 ? 0 : _context.Time.GetTimestamp() - _queuedAt;

    /// <summary>Timeout thread: a client that waited the queue timeout is reset, unless its turn came first.</summary>
    private void ExpireQueued(long now)
    {
        if (_pool.Waiting.TryRemoveExpired(_wait, now))
        {
            Reject(CloseReason.QueueTimeout);
        }
    }

    /// <summary>Leaves the queue for good (the drain is over), unless the client's turn came first.</summary>
    private void LeaveQueue(CloseReason reason)
    {
        if (_pool.Waiting.TryRemove(_wait))
        {
            Reject(reason);
        }
    }

    /// <summary>Resumes a client whose turn came, on the thread pool: the turn is given under the queue's lock.</summary>
    private sealed class QueueTurn(Session session) : IThreadPoolWorkItem
    {
        public void Execute() => session.ResumeAfterWait();
    }
}
