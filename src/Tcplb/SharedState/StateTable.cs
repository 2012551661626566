using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tcplb.Infrastructure;

namespace Tcplb.SharedState;

/// <summary>
/// The balancer's state that every worker process needs, kept once in memory they all map (nginx's shared
/// zone): each server's health and <c>maxconn</c> admission, the pools' round-robin turns, the per-client
/// counts, and each worker's counters. The first process makes it (<see cref="Create"/>) and passes the
/// descriptor to its workers (<see cref="Attach"/>); a table private to one object (<see cref="Private"/>)
/// serves unit tests. Its layout is <see cref="StateLayout"/>'s.
/// </summary>
/// <remarks>
/// Threading: any thread of any worker. Rows are claimed and given back under the header's lock; health
/// transitions take their row's lock; counters are <see cref="Interlocked"/> on the worker's own block.
/// The mapping lives as long as this object: every view holds it.
/// </remarks>
internal sealed unsafe class StateTable
{
    public const int MaxServers = 4096;
    public const int MaxRoutes = 1024;

    private readonly byte* _base;
    private readonly byte[]? _pinned;

    private StateTable(byte* baseAddress, byte[]? pinned, StateShape shape, int worker, int descriptor)
    {
        _base = baseAddress;
        _pinned = pinned;
        Layout = new StateLayout(baseAddress, shape);
        Worker = worker;
        Descriptor = descriptor;
        Workers.Mine.Pid = Environment.ProcessId;
    }

    ~StateTable()
    {
        if (_pinned is null)
        {
            VirtualMemory.Release(_base, Layout.TotalBytes);
        }
    }

    public StateLayout Layout { get; }

    /// <summary>This process's worker index: the block it writes its counters in.</summary>
    public int Worker { get; }

    /// <summary>The shared file's descriptor, for the workers to inherit; -1 when the table is not shared.</summary>
    public int Descriptor { get; }

    /// <summary>When the balancer started, on the shared monotonic clock.</summary>
    public long CreatedAt => Layout.Header->CreatedAt;

    public PerWorker<WorkerRow> Workers => Layout.Workers(Worker);

    /// <summary>A table in shared memory for <paramref name="workers"/> processes; shareable: its descriptor stays open for them.</summary>
    /// <param name="clients">Room for client addresses (0 without a per-client limit).</param>
    /// <param name="rates">Room for client addresses' rates (0 without a per-client rate).</param>
    public static StateTable Create(int workers, int clients, long createdAt, bool shareable, int rates = 0)
    {
        var shape = new StateShape(workers, MaxServers, MaxRoutes, clients, rates);
        var bytes = new StateLayout(null, shape).TotalBytes;
        var descriptor = SharedMemory.Create(bytes);
        var table = new StateTable(SharedMemory.Map(descriptor, bytes), null, shape, 0, shareable ? descriptor : -1);
        if (!shareable)
        {
            SharedMemory.Close(descriptor); // the mapping stays
        }
        var header = table.Layout.Header;
        (header->Workers, header->Servers, header->Routes, header->Clients, header->Rates, header->CreatedAt) =
            (workers, shape.Servers, shape.Routes, clients, rates, createdAt);
        Volatile.Write(ref header->Magic, StateLayout.Magic);
        return table;
    }

    /// <summary>Maps the table a parent process made, as worker <paramref name="worker"/>.</summary>
    public static StateTable Attach(int descriptor, int worker)
    {
        var bytes = SharedMemory.SizeOf(descriptor);
        var baseAddress = SharedMemory.Map(descriptor, bytes);
        var header = (TableHeader*)baseAddress;
        if (header->Magic != StateLayout.Magic || worker >= header->Workers)
        {
            throw new IOException($"descriptor {descriptor} does not hold a state table for worker {worker}");
        }
        return new StateTable(baseAddress, null, new StateShape(header->Workers, header->Servers, header->Routes, header->Clients, header->Rates), worker, descriptor);
    }

    /// <summary>A small table in this process's own memory, for one object that nothing shares (unit tests).</summary>
    public static StateTable Private(int servers = 1, int routes = 1, int clients = 0, int rates = 0)
    {
        var shape = new StateShape(1, servers, routes, clients, rates);
        var pinned = GC.AllocateArray<byte>((int)new StateLayout(null, shape).TotalBytes + 64, pinned: true);
        var aligned = (byte*)(((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)) + 63) & ~(nint)63);
        return new StateTable(aligned, pinned, shape, 0, -1);
    }

    /// <summary>
    /// The row of the server at <paramref name="endPoint"/>, marked as listed by this worker: the row it had, or a
    /// free one, or one that no worker lists any more and that holds no connection. -1 when every row is taken.
    /// </summary>
    public int ClaimServer(IPEndPoint endPoint)
    {
        var (high, low, portAndFamily) = KeyOf(endPoint);
        var header = Layout.Header;
        using (SharedLock.Hold(&header->RowsLock))
        {
            var used = header->ServersUsed;
            for (var i = 0; i < used; i++)
            {
                var row = Layout.Server(i);
                if (row->PortAndFamily == portAndFamily && row->AddressHigh == high && row->AddressLow == low)
                {
                    return Listed(i);
                }
            }
            var free = used < Layout.Shape.Servers ? used : FirstForgotten(used);
            if (free < 0)
            {
                return -1;
            }
            header->ServersUsed = Math.Max(used, free + 1);
            var counters = Layout.ServerCounters(free, Worker);
            for (var w = 0; w < counters.Count; w++)
            {
                counters[w] = default;
            }
            *Layout.Server(free) = new ServerRow { AddressHigh = high, AddressLow = low, PortAndFamily = portAndFamily };
            return Listed(free);
        }
    }

    /// <summary>This worker's server list no longer has the server of row <paramref name="row"/>.</summary>
    public void Unlist(int row) => Volatile.Write(ref Layout.ServerCounters(row, Worker).Mine.Listed, 0);

    /// <summary>The row of the route whose name hashes to <paramref name="nameHash"/>; -1 when every row is taken.</summary>
    public int ClaimRoute(ulong nameHash)
    {
        using (SharedLock.Hold(&Layout.Header->RowsLock))
        {
            for (var i = 0; i < Layout.Shape.Routes; i++)
            {
                var row = Layout.Route(i);
                if (row->InUse == 0)
                {
                    (row->NameHash, row->InUse) = (nameHash, 1);
                    return i;
                }
                if (row->NameHash == nameHash)
                {
                    return i;
                }
            }
            return -1;
        }
    }

    /// <summary>
    /// Gives back what worker <paramref name="worker"/> (process <paramref name="pid"/>, which has ended) held: its
    /// <c>maxconn</c> slots, its client counts, its gauges and any lock. Its counts that only grow stay, and go on
    /// when the worker is started again.
    /// </summary>
    public void ReleaseWorker(int worker, int pid)
    {
        SharedLock.ReleaseHeldBy(&Layout.Header->RowsLock, pid);
        SharedLock.ReleaseHeldBy(&Layout.Header->ClientsLock, pid);
        SharedLock.ReleaseHeldBy(&Layout.Header->RatesLock, pid);
        ref var row = ref Layout.Workers(worker)[worker];
        (row.Active, row.SlicesInUse, row.QueueLength, row.Pid) = (0, 0, 0, 0);
        for (var i = 0; i < Layout.Header->ServersUsed; i++)
        {
            var server = Layout.Server(i);
            SharedLock.ReleaseHeldBy(&server->Lock, pid);
            ref var counters = ref Layout.ServerCounters(i, worker).Mine;
            Interlocked.Add(ref server->Slots, -Interlocked.Exchange(ref counters.HeldSlots, 0));
            (counters.Active, counters.Listed) = (0, 0);
        }
        if (Layout.Shape.Clients > 0)
        {
            new ClientCounts(this).ReleaseWorker(worker);
        }
    }

    private int Listed(int row)
    {
        Volatile.Write(ref Layout.ServerCounters(row, Worker).Mine.Listed, 1);
        return row;
    }

    /// <summary>The first row that no worker lists and none holds a connection to (its server was removed); -1 when none.</summary>
    private int FirstForgotten(int used)
    {
        for (var row = 0; row < used; row++)
        {
            var counters = Layout.ServerCounters(row, Worker);
            var forgotten = true;
            for (var w = 0; w < counters.Count && forgotten; w++)
            {
                forgotten = counters[w].Listed == 0 && counters[w].Active == 0 && counters[w].HeldSlots == 0;
            }
            if (forgotten)
            {
                return row;
            }
        }
        return -1;
    }

    private static (ulong High, ulong Low, int PortAndFamily) KeyOf(IPEndPoint endPoint)
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        endPoint.Address.TryWriteBytes(bytes, out _);
        var family = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? 6 : 4;
        return (MemoryMarshal.Read<ulong>(bytes), MemoryMarshal.Read<ulong>(bytes[8..]), endPoint.Port | family << 16);
    }
}
