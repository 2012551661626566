using Tcplb.Net;

namespace Tcplb.Tests.Net;

public class BufferSlabTests
{
    [Fact]
    public void Windows_OfOneSlice_AreBufferSizeEach_AndDoNotOverlapAnotherSlice()
    {
        var slab = BufferSlab.ForConnections(2, 1024);
        Assert.Equal(2048, slab.SliceSize);
        var (up0, down0) = slab.Windows(0);
        var (up1, down1) = slab.Windows(1);
        up0.Span.Fill(1);
        down0.Span.Fill(2);
        up1.Span.Fill(3);
        down1.Span.Fill(4);
        Assert.Equal((1024, 1024), (up0.Length, down1.Length));
        Assert.All(up0.ToArray(), b => Assert.Equal(1, b));
        Assert.All(down0.ToArray(), b => Assert.Equal(2, b));
        Assert.All(up1.ToArray(), b => Assert.Equal(3, b));
        Assert.All(slab.Windows(1).Downstream.ToArray(), b => Assert.Equal(4, b)); // the same memory seen again
    }

    [Fact]
    public void Windows_PastTheCapacity_AreRefused()
    {
        var slab = BufferSlab.ForConnections(2, 1024);
        Assert.Throws<ArgumentOutOfRangeException>(() => slab.Windows(2));
    }

    /// <summary>A million connections of 64 KiB windows: 128 GiB of address space, reserved but not resident.</summary>
    [Fact]
    public void ForConnections_AMillion_ReservesWithoutCommitting()
    {
        var before = Environment.WorkingSet;
        var slab = BufferSlab.ForConnections(1_000_000, 64 * 1024);
        var (up, _) = slab.Windows(999_999);
        up.Span[..4096].Fill(7); // one page of the last slice
        Assert.True(Environment.WorkingSet - before < 64L << 20, "reserving the slab must not make it resident");
        GC.KeepAlive(slab);
    }
}
