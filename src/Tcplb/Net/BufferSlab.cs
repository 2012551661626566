namespace Tcplb.Net;

/// <summary>
/// One pinned array carved into fixed-size slices, one slice per connection (both directions), handed out
/// from a fixed-capacity free list. Pinned so that the socket layer never has to pin per operation;
/// uninitialised so that slices never used stay out of resident memory. LIFO reuse keeps the touched
/// part as small as the peak number of connections. Thread-safe; allocates nothing after construction.
/// </summary>
internal sealed class BufferSlab
{
    private readonly Lock _lock = new();
    private readonly int[] _free;
    private int _freeCount;

    public BufferSlab(int slices, int sliceSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slices, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceSize, 1);
        Memory = GC.AllocateUninitializedArray<byte>(checked(slices * sliceSize), pinned: true);
        SliceSize = sliceSize;
        _free = new int[slices];
        for (var i = 0; i < slices; i++)
        {
            _free[i] = slices - 1 - i; // slice 0 on top: low addresses are reused first
        }
        _freeCount = slices;
    }

    /// <summary>The whole slab; a slice is <c>[Offset(index), Offset(index) + SliceSize)</c>.</summary>
    public byte[] Memory { get; }

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
