namespace Tcplb.SharedState;

/// <summary>
/// A route's part of the shared table: its pool's round-robin turn, one word that every worker advances (so
/// that clients in a row are served in turn whichever worker accepts them: the one cache line written by two
/// workers per connection when no limit is set), and the connections sent to it, counted per worker.
/// </summary>
internal sealed unsafe class RouteState
{
    private readonly StateTable _table;
    private readonly RouteRow* _row;
    private readonly PerWorker<long> _connections;

    /// <summary>A state of its own, shared with nothing (a pool outside any balancer, and tests).</summary>
    public RouteState() : this(StateTable.Private(), 0)
    {
    }

    private RouteState(StateTable table, int index)
    {
        _table = table;
        _row = table.Layout.Route(index);
        _connections = table.Layout.RouteCounters(index, table.Worker);
    }

    /// <summary>The state of the route whose name hashes to <paramref name="nameHash"/>; one of its own when the table is full.</summary>
    public static RouteState For(StateTable table, ulong nameHash) =>
        table.ClaimRoute(nameHash) is var row and >= 0 ? new RouteState(table, row) : new RouteState();

    /// <summary>Connections sent to the route since start-up, by every worker.</summary>
    public long Connections => _connections.Sum(static (ref long count) => ref count);

    /// <summary>The next turn of the pool's rotation: 0, 1, 2, ... across the whole group.</summary>
    public uint NextTurn() => Interlocked.Increment(ref _row->Turn) - 1;

    public void Counted() => Interlocked.Increment(ref _connections.Mine);
}
