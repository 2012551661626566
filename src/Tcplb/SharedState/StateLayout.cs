using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tcplb.SharedState;

/// <summary>
/// The layout of the shared state table, the one place that knows it (nothing else computes an offset):
/// <code>
/// header            128 B      shape, creation time, two locks (each on its own cache line)
/// server rows       S x 128 B  keyed by address: health, checks, maxconn admission (shared by every worker)
/// route rows        R x 64 B   keyed by name: the pool's round-robin turn (one cache line each)
/// worker blocks     W x (256 B worker row + S x 192 B server counters + R x 8 B route counters)
/// client entries    C x (16 B + 4 B per worker)   connections per client address (--max-conns-per-client)
/// rate entries      T x 24 B   when each client address's next connection is due (--max-conn-rate-per-client)
/// </code>
/// A worker writes counters only in its own block, so that without limits the one cache line two workers
/// write per connection is the round-robin turn of the pool; readers add the blocks up. Everything is zero at
/// creation: a zero row is a free row.
/// </summary>
internal readonly unsafe struct StateLayout
{
    public const int Magic = 0x544C4231; // "TLB1"
    public const int HeaderBytes = 128;
    public const int ServerRowBytes = 128;
    public const int RouteRowBytes = 64;
    public const int WorkerRowBytes = 256;
    public const int ServerCountersBytes = 192;
    public const int HistogramBytes = 128;

    private readonly byte* _base;

    public StateLayout(byte* baseAddress, StateShape shape)
    {
        _base = baseAddress;
        Shape = shape;
    }

    public StateShape Shape { get; }

    public TableHeader* Header => (TableHeader*)_base;

    public ServerRow* Server(int index) => (ServerRow*)(_base + ServersOffset + (long)index * ServerRowBytes);

    public RouteRow* Route(int index) => (RouteRow*)(_base + RoutesOffset + (long)index * RouteRowBytes);

    public PerWorker<WorkerRow> Workers(int own) => new(Block(0), WorkerBlockBytes, Shape.Workers, own);

    public PerWorker<ServerCounters> ServerCounters(int server, int own) =>
        new(Block(0) + WorkerRowBytes + (long)server * ServerCountersBytes, WorkerBlockBytes, Shape.Workers, own);

    public PerWorker<long> RouteCounters(int route, int own) =>
        new(Block(0) + WorkerRowBytes + (long)Shape.Servers * ServerCountersBytes + route * 8L, WorkerBlockBytes, Shape.Workers, own);

    /// <summary>Client entry <paramref name="index"/>: a <see cref="ClientEntry"/> followed by one count per worker.</summary>
    public ClientEntry* Client(int index) => (ClientEntry*)(_base + ClientsOffset + (long)index * ClientEntryBytes);

    public RateEntry* Rate(int index) => (RateEntry*)(_base + RatesOffset + (long)index * sizeof(RateEntry));

    public int ClientEntryBytes => Align(sizeof(ClientEntry) + 4 * Shape.Workers, 8);

    public long TotalBytes => RatesOffset + (long)Shape.Rates * sizeof(RateEntry);

    private long ServersOffset => HeaderBytes;

    private long RoutesOffset => ServersOffset + (long)Shape.Servers * ServerRowBytes;

    private long WorkersOffset => RoutesOffset + (long)Shape.Routes * RouteRowBytes;

    private long WorkerBlockBytes => Align(WorkerRowBytes + (long)Shape.Servers * ServerCountersBytes + Shape.Routes * 8L, 64);

    private long ClientsOffset => WorkersOffset + Shape.Workers * WorkerBlockBytes;

    private long RatesOffset => ClientsOffset + (long)Shape.Clients * ClientEntryBytes;

    private byte* Block(int worker) => _base + WorkersOffset + worker * WorkerBlockBytes;

    private static int Align(int bytes, int to) => (bytes + to - 1) / to * to;

    private static long Align(long bytes, int to) => (bytes + to - 1) / to * to;
}

/// <summary>How many rows of each kind a table has; fixed when it is made, and written in its header for the workers that map it.</summary>
internal readonly record struct StateShape(int Workers, int Servers, int Routes, int Clients, int Rates = 0);

/// <summary>One row per worker, <c>W</c> of them <c>stride</c> bytes apart; a worker writes <see cref="Mine"/> only, readers add them up.</summary>
internal readonly unsafe struct PerWorker<T>(byte* first, long stride, int count, int own) where T : unmanaged
{
    public delegate ref long Field(ref T row);

    public int Count => count;

    public ref T this[int worker] => ref *(T*)(first + worker * stride);

    public ref T Mine => ref this[own];

    /// <summary>The field of every worker's row, added up.</summary>
    public long Sum(Field field)
    {
        var sum = 0L;
        for (var w = 0; w < count; w++)
        {
            sum += Volatile.Read(ref field(ref this[w]));
        }
        return sum;
    }
}

[StructLayout(LayoutKind.Explicit, Size = StateLayout.HeaderBytes)]
internal struct TableHeader
{
    [FieldOffset(0)] public int Magic;
    [FieldOffset(4)] public int Workers;
    [FieldOffset(8)] public int Servers;
    [FieldOffset(12)] public int Routes;
    [FieldOffset(16)] public int Clients;

    /// <summary>Held while a server or route row is claimed.</summary>
    [FieldOffset(20)] public int RowsLock;

    /// <summary>When the balancer started (the shared monotonic clock).</summary>
    [FieldOffset(24)] public long CreatedAt;

    /// <summary>Server rows ever claimed: rows are taken in order and never cleared, so the rest are free and never read.</summary>
    [FieldOffset(32)] public int ServersUsed;
    [FieldOffset(36)] public int Rates;

    /// <summary>Held for each change of the client entries: written per connection when a per-client limit is set.</summary>
    [FieldOffset(64)] public int ClientsLock;

    /// <summary>Client entries in use.</summary>
    [FieldOffset(68)] public int ClientsUsed;

    /// <summary>Held for each change of the rate entries: written per connection when a per-client rate is set.</summary>
    [FieldOffset(96)] public int RatesLock;
}

/// <summary>A server's state that every worker reads and changes: its health, its checks, its <c>maxconn</c> admission.</summary>
[StructLayout(LayoutKind.Explicit, Size = StateLayout.ServerRowBytes)]
internal struct ServerRow
{
    [FieldOffset(0)] public ulong AddressHigh;
    [FieldOffset(8)] public ulong AddressLow;

    /// <summary>The port, and the address family above it; 0 in a free row.</summary>
    [FieldOffset(16)] public int PortAndFamily;
    [FieldOffset(20)] public int Lock;
    [FieldOffset(24)] public int Failures;
    [FieldOffset(28)] public int CheckPasses;
    [FieldOffset(32)] public long DownUntil;
    [FieldOffset(40)] public long UpSince;
    [FieldOffset(48)] public int CheckFailuresInARow;
    [FieldOffset(52)] public int LastCheck;
    [FieldOffset(56)] public long CheckFailures;

    // Second cache line: the admission word, written per connection only for a server with maxconn.
    [FieldOffset(64)] public int Slots;
    [FieldOffset(72)] public long LastCheckTicks;
}

/// <summary>A pool's shared round-robin turn, keyed by the hash of its route's name; one cache line each.</summary>
[StructLayout(LayoutKind.Explicit, Size = StateLayout.RouteRowBytes)]
internal struct RouteRow
{
    [FieldOffset(0)] public ulong NameHash;
    [FieldOffset(8)] public int InUse;
    [FieldOffset(12)] public uint Turn;
}

/// <summary>One worker's own figures: written by that worker alone, added up by readers.</summary>
[StructLayout(LayoutKind.Explicit, Size = StateLayout.WorkerRowBytes)]
internal struct WorkerRow
{
    [FieldOffset(0)] public int Pid;
    [FieldOffset(4)] public int SlicesInUse;
    [FieldOffset(8)] public int Slices;
    [FieldOffset(12)] public int QueueLength;
    [FieldOffset(16)] public long Active;
    [FieldOffset(24)] public long Total;
    [FieldOffset(32)] public long Rejected;
    [FieldOffset(40)] public long QueueTimeouts;
    [FieldOffset(48)] public long ClientLimitRejected;
    [FieldOffset(56)] public long ServerDownResets;
    [FieldOffset(64)] public long ClientRateRejected;
    [FieldOffset(72)] public long Denied;

    /// <summary>How long client connections lasted, from accept to release (<see cref="Histogram.Duration"/>).</summary>
    [FieldOffset(128)] public HistogramCounts Duration;
}

/// <summary>One worker's figures for one server.</summary>
[StructLayout(LayoutKind.Explicit, Size = StateLayout.ServerCountersBytes)]
internal struct ServerCounters
{
    [FieldOffset(0)] public int Active;

    /// <summary>The server's <c>maxconn</c> slots this worker holds: given back for it if it dies.</summary>
    [FieldOffset(4)] public int HeldSlots;

    /// <summary>1 while this worker's server list has the server: a row no worker lists, and idle, may be reused.</summary>
    [FieldOffset(8)] public int Listed;
    [FieldOffset(16)] public long Connections;
    [FieldOffset(24)] public long ConnectFailures;
    [FieldOffset(32)] public long BytesSent;
    [FieldOffset(40)] public long BytesReceived;

    /// <summary>How long the connects that succeeded took (<see cref="Histogram.ConnectTime"/>).</summary>
    [FieldOffset(64)] public HistogramCounts ConnectTime;
}

/// <summary>
/// One worker's counts of one histogram (<see cref="Histogram"/>): per bucket, not cumulative (a value above the
/// last bound is only in <see cref="Count"/>), the sum of the values in microseconds, and how many there were.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = StateLayout.HistogramBytes)]
internal struct HistogramCounts
{
    public const int MaxBuckets = 14;

    [FieldOffset(0)] public BucketCounts Buckets;
    [FieldOffset(MaxBuckets * 8)] public long SumMicroseconds;
    [FieldOffset(MaxBuckets * 8 + 8)] public long Count;
}

[InlineArray(HistogramCounts.MaxBuckets)]
internal struct BucketCounts
{
    private long _first;
}

/// <summary>A client address's entry: free while <see cref="Total"/> is 0; its per-worker counts follow it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ClientEntry
{
    public ulong Key;
    public int IsIPv4;
    public int Total;
}

/// <summary>A client address's rate: when its next connection is due with its burst spent (the shared clock).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RateEntry
{
    public ulong Key;
    public int IsIPv4;
    public int InUse;
    public long Due;
}
