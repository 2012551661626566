using System.Runtime.InteropServices;

namespace Tcplb.Net;

/// <summary>
/// One block of native memory (<see cref="NativeBuffer"/>) carved into fixed-size slices, one slice per
/// connection (both directions), handed out from a fixed-capacity free list. Native, so that it never
/// moves, needs no pinning per operation and does not count against the GC heap limit; its pages are
/// committed only when first written, so slices never used stay out of resident memory. LIFO reuse keeps
/// the touched part as small as the peak number of connections. Thread-safe; allocates nothing after
/// construction.
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

    public BufferSlab(int slices, int sliceSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slices, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceSize, 1);
        var length = checked(slices * sliceSize);
        // Large blocks come straight from mmap: pages are committed only when first written.
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)length, 4096);
        Memory = new NativeBuffer(_memory, length).Memory;
        SliceSize = sliceSize;
        _free = new int[slices];
        for (var i = 0; i < slices; i++)
        {
            _free[i] = slices - 1 - i; // slice 0 on top: low addresses are reused first
        }
        _freeCount = slices;
    }

    ~BufferSlab() => NativeMemory.AlignedFree(_memory);

    /// <summary>The whole slab; a slice is <c>[Offset(index), Offset(index) + SliceSize)</c>.</summary>
    public Memory<byte> Memory { get; }

    public int SliceSize { get; }

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

    public int Offset(int slice) => slice * SliceSize;

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
