using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>What a client waiting in a <see cref="WaitQueue"/> does when its turn comes.</summary>
internal interface IQueueWaiter
{
    /// <summary>
    /// Its turn: a slot of <paramref name="server"/> is taken for it, or null when no server is left to try at
    /// all. Called once per wait, under the queue's lock: it must hand the work on (to the thread pool), not do it.
    /// </summary>
    void TurnCame(Backend? server);
}

/// <summary>A client's place in a <see cref="WaitQueue"/>; each session has one for life, so waiting allocates nothing.</summary>
internal sealed class WaitNode(IQueueWaiter waiter, ConnectAttempt attempt)
{
    public IQueueWaiter Waiter { get; } = waiter;

    /// <summary>The client's attempt, with which its pool picks its server when its turn comes.</summary>
    public ConnectAttempt Attempt { get; } = attempt;

    /// <summary>When the client gives up waiting (a timestamp of the pool's clock); set before it is queued.</summary>
    public long Deadline { get; set; }

    internal WaitNode? Previous { get; set; }
    internal WaitNode? Next { get; set; }
    internal bool Queued { get; set; }
}

/// <summary>
/// Clients waiting for a slot when every server of a pool is at its <c>maxconn</c>, first in first out: an
/// intrusive doubly linked list behind a lock, so that a client leaves from anywhere (its queue timeout) in
/// constant time. Only touched when servers are full; <see cref="Count"/> is read without the lock.
/// </summary>
internal sealed class WaitQueue
{
    private WaitNode? _tail;
    private int _count;

    /// <summary>Taken by the pool around a dispatch (<see cref="Head"/>, <see cref="Remove"/>).</summary>
    public Lock Lock { get; } = new();

    public int Count => Volatile.Read(ref _count);

    public WaitNode? Head { get; private set; }

    public void Add(WaitNode node)
    {
        lock (Lock)
        {
            node.Previous = _tail;
            node.Next = null;
            if (_tail is null)
            {
                Head = node;
            }
            else
            {
                _tail.Next = node;
            }
            _tail = node;
            node.Queued = true;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    /// <summary>Takes <paramref name="node"/> out unless its turn came first; true when it was still waiting.</summary>
    public bool TryRemove(WaitNode node)
    {
        lock (Lock)
        {
            if (!node.Queued)
            {
                return false;
            }
            Remove(node);
            return true;
        }
    }

    /// <summary>Takes <paramref name="node"/> out if it is still waiting and its deadline has passed at <paramref name="now"/>.</summary>
    public bool TryRemoveExpired(WaitNode node, long now)
    {
        lock (Lock)
        {
            if (!node.Queued || now < node.Deadline)
            {
                return false;
            }
            Remove(node);
            return true;
        }
    }

    /// <summary>Unlinks a queued node; the caller holds <see cref="Lock"/>.</summary>
    public void Remove(WaitNode node)
    {
        if (node.Previous is null)
        {
            Head = node.Next;
        }
        else
        {
            node.Previous.Next = node.Next;
        }
        if (node.Next is null)
        {
            _tail = node.Previous;
        }
        else
        {
            node.Next.Previous = node.Previous;
        }
        node.Previous = node.Next = null;
        node.Queued = false;
        Volatile.Write(ref _count, _count - 1);
    }
}
