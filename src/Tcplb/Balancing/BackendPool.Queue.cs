using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>
/// The pool's slots and queue: every pick takes a slot on its server, given back when the connect fails or the
/// connection ends; a given-back slot goes to the first client waiting, if any.
/// </summary>
internal sealed partial class BackendPool
{
    /// <summary>Clients waiting for a slot, first in first out.</summary>
    public WaitQueue Waiting { get; } = new();

    /// <summary>Queues a client that <see cref="Pick"/> told to wait; its turn may come at once, if a slot was freed meanwhile.</summary>
    public void Enqueue(WaitNode node)
    {
        node.Attempt.HasWaited = true;
        Waiting.Add(node);
        DispatchWaiting();
    }

    /// <summary>Gives freed slots to the clients at the head of the queue, in order; cheap when none waits.</summary>
    /// <remarks>Run when a slot is returned, and by the timeout thread every tick (servers that came up, a reload).</remarks>
    public void DispatchWaiting()
    {
        if (Waiting.Count == 0)
        {
            return;
        }
        lock (Waiting.Lock)
        {
            while (Waiting.Head is { } head)
            {
                var server = PickServer(head.Attempt);
                if (server is null && head.Attempt.MustWait)
                {
                    return;
                }
                Waiting.Remove(head);
                head.Waiter.TurnCame(server);
            }
        }
    }

    /// <summary>Records the end of a connection to <paramref name="server"/>: its slot goes to the first client waiting, if any.</summary>
    public void ReportClosed(Backend server, long bytesSent, long bytesReceived)
    {
        server.State.MarkClosed(bytesSent, bytesReceived);
        ReturnSlot(server);
    }

    /// <summary>Gives back a slot taken by <see cref="Pick"/> for a connect that did not happen or failed.</summary>
    public void ReturnSlot(Backend server)
    {
        server.State.ReturnSlot(server.MaxConnections);
        DispatchWaiting();
    }
}
