using Tcplb.Infrastructure;

namespace Tcplb.Net;

/// <summary>
/// The buffers of every connection, and the one owner of their layout: address space reserved once
/// (<see cref="VirtualMemory"/>) for <c>--max-conns</c> slices, each slice two windows of <c>--buffer-size</c>
/// bytes, upstream (client to server) then downstream. Pages are committed only when first written, so
/// slices never used, and the parts of windows never filled, stay out of resident memory; the reservation
/// counts neither against overcommit nor against the GC heap limit of a container.
/// </summary>
/// <remarks>
/// A slice belongs to one session for the life of the process (<see cref="SessionPool"/> reuses sessions last
/// in, first out, which keeps the touched part as small as the peak number of connections). The memory is
/// freed by the finalizer alone: a pending socket operation keeps its relay, its session and so this slab
/// reachable, so the memory cannot go away under the kernel's feet.
/// </remarks>
internal sealed unsafe class BufferSlab
{
    /// <summary>How much of a window a connection uses until a receive fills it: one request or response fits, bulk widens.</summary>
    public const int InitialWindow = 16 * 1024;

    private readonly byte* _memory;
    private readonly long _length;

    private BufferSlab(int slices, int bufferSize)
    {
        _length = BytesFor(slices, bufferSize);
        _memory = VirtualMemory.Reserve(_length);
        Capacity = slices;
        BufferSize = bufferSize;
    }

    ~BufferSlab() => VirtualMemory.Release(_memory, _length);

    /// <summary>
    /// The slab for <paramref name="maxConnections"/> connections of two <paramref name="bufferSize"/> windows
    /// each; throws <see cref="OutOfMemoryException"/> when the address space cannot be reserved.
    /// </summary>
    public static BufferSlab ForConnections(int maxConnections, int bufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        return new BufferSlab(maxConnections, bufferSize);
    }

    /// <summary>The address space a slab for these settings reserves.</summary>
    public static long BytesFor(int maxConnections, int bufferSize) => (long)maxConnections * 2 * bufferSize;

    /// <summary>Bytes per direction per connection (<c>--buffer-size</c>).</summary>
    public int BufferSize { get; }

    /// <summary>Bytes per connection: both windows.</summary>
    public int SliceSize => 2 * BufferSize;

    /// <summary>Slices in all: one per connection that can be held at once.</summary>
    public int Capacity { get; }

    /// <summary>The two windows of slice <paramref name="slice"/>, for the session that owns it; allocates their view once.</summary>
    public (Memory<byte> Upstream, Memory<byte> Downstream) Windows(int slice)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)slice, (uint)Capacity, nameof(slice));
        var memory = new NativeBuffer(_memory + (long)slice * SliceSize, SliceSize).Memory;
        return (memory[..BufferSize], memory[BufferSize..]);
    }
}
