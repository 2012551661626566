using System.Runtime.InteropServices;
using Tcplb.Configuration;

namespace Tcplb.Net;

/// <summary>
/// The buffers of every connection, and the one owner of their layout: one block of native memory
/// (<see cref="NativeBuffer"/>) carved into one slice per connection, each slice holding two windows of
/// <c>--buffer-size</c> bytes, <see cref="Upstream"/> (client to server) then <see cref="Downstream"/>.
/// Slices are handed out from a fixed-capacity free list. Native, so that it never moves, needs no pinning
/// per operation and does not count against the GC heap limit; its pages are committed only when first
/// written, so slices never used stay out of resident memory. LIFO reuse keeps the touched part as small as
/// the peak number of connections. Thread-safe; allocates nothing after construction.
/// </summary>
/// <remarks>
/// The memory is freed by the finalizer alone: a socket operation still pending keeps its relay, its
/// session and so this slab reachable, so the memory cannot go away under the kernel's feet.
/// </remarks>
internal sealed unsafe class BufferSlab
{
    private readonly byte* _memory;
    private readonly Lock _lock = new();
    private readonly int[] _free;
    private int _freeCount;

    private BufferSlab(int slices, int bufferSize)
    {
        var length = slices * 2 * bufferSize;
        // Large blocks come straight from mmap: pages are committed only when first written.
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)length, 4096);
        Memory = new NativeBuffer(_memory, length).Memory;
        BufferSize = bufferSize;
        _free = new int[slices];
        for (var i = 0; i < slices; i++)
        {
            _free[i] = slices - 1 - i; // slice 0 on top: low addresses are reused first
        }
        _freeCount = slices;
    }

    ~BufferSlab() => NativeMemory.AlignedFree(_memory);

    /// <summary>
    /// The slab for <paramref name="maxConnections"/> connections of two <paramref name="bufferSize"/> windows each.
    /// Throws <see cref="ConfigException"/> when that is more than one block can span, and
    /// <see cref="OutOfMemoryException"/> when the address space cannot be reserved.
    /// </summary>
    public static BufferSlab ForConnections(int maxConnections, int bufferSize)
    {
        CheckSize(maxConnections, bufferSize);
        return new BufferSlab(maxConnections, bufferSize);
    }

    /// <summary>Throws <see cref="ConfigException"/> when a slab for these settings cannot be made, without making it.</summary>
    public static void CheckSize(int maxConnections, int bufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        if (BytesFor(maxConnections, bufferSize) > Array.MaxLength)
        {
            throw new ConfigException($"--max-conns {maxConnections} x 2 x --buffer-size {bufferSize} is over the 2 GiB buffer limit");
        }
    }

    /// <summary>The address space a slab for these settings reserves.</summary>
    public static long BytesFor(int maxConnections, int bufferSize) => (long)maxConnections * 2 * bufferSize;

    /// <summary>Bytes per direction per connection (<c>--buffer-size</c>).</summary>
    public int BufferSize { get; }

    /// <summary>Bytes per connection: both windows.</summary>
    public int SliceSize => 2 * BufferSize;

    public int Capacity => _free.Length;

    public int InUse
    {
        get
        {
            lock (_lock)
            {
                return _free.Length - _freeCount;
            }
        }
    }

    /// <summary>The window that holds bytes from the client on their way to the server.</summary>
    public Memory<byte> Upstream(int slice) => Memory.Slice(slice * SliceSize, BufferSize);

    /// <summary>The window that holds bytes from the server on their way to the client.</summary>
    public Memory<byte> Downstream(int slice) => Memory.Slice(slice * SliceSize + BufferSize, BufferSize);

    private Memory<byte> Memory { get; }

    /// <summary>Takes a free slice, or returns false when all are in use.</summary>
    public bool TryRent(out int slice)
    {
        lock (_lock)
        {
            if (_freeCount == 0)
            {
                slice = -1;
                return false;
            }
            slice = _free[--_freeCount];
            return true;
        }
    }

    public void Return(int slice)
    {
        lock (_lock)
        {
            if ((uint)slice >= (uint)_free.Length || _freeCount == _free.Length)
            {
                throw new InvalidOperationException($"slice {slice} returned twice or never rented");
            }
            _free[_freeCount++] = slice;
        }
    }
}
