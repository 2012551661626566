using System.Buffers;

namespace Tcplb.Net;

/// <summary>Native memory that someone else owns and frees, seen as <see cref="Memory{T}"/>.</summary>
internal sealed unsafe class NativeBuffer(byte* pointer, int length) : MemoryManager<byte>
{
    private readonly byte* _pointer = pointer;
    private readonly int _length = length;

    public override Span<byte> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
