using Tcplb.Configuration;
using Tcplb.Net;

namespace Tcplb.Tests.Net;

public class BufferSlabTests
{
    [Fact]
    public void TryRent_GivesDistinctSlicesUntilExhausted_ThenReuseAfterReturn()
    {
        var slab = BufferSlab.ForConnections(3, 1024);
        var slices = new List<int>();
        while (slab.TryRent(out var slice))
        {
            slices.Add(slice);
        }
        Assert.Equal([0, 1, 2], slices);
        Assert.Equal(3, slab.InUse);
        Assert.False(slab.TryRent(out _));
        slab.Return(1);
        Assert.True(slab.TryRent(out var again));
        Assert.Equal(1, again);
    }

    [Fact]
    public void Windows_OfOneSlice_AreBufferSizeEach_AndDoNotOverlapAnotherSlice()
    {
        var slab = BufferSlab.ForConnections(2, 1024);
        Assert.Equal(2048, slab.SliceSize);
        slab.Upstream(0).Span.Fill(1);
        slab.Downstream(0).Span.Fill(2);
        slab.Upstream(1).Span.Fill(3);
        slab.Downstream(1).Span.Fill(4);
        Assert.Equal(1024, slab.Upstream(0).Length);
        Assert.Equal(1024, slab.Downstream(1).Length);
        Assert.All(slab.Upstream(0).ToArray(), b => Assert.Equal(1, b));
        Assert.All(slab.Downstream(0).ToArray(), b => Assert.Equal(2, b));
        Assert.All(slab.Upstream(1).ToArray(), b => Assert.Equal(3, b));
    }

    [Fact]
    public void ForConnections_OverTheLimit_IsAConfigErrorNamingBothOptions()
    {
        var e = Assert.Throws<ConfigException>(() => BufferSlab.ForConnections(1_000_000, 1024 * 1024));
        Assert.Contains("--max-conns 1000000 x 2 x --buffer-size 1048576 is over the 2 GiB buffer limit", e.Message);
    }

    [Fact]
    public void Return_MoreThanRented_Throws()
    {
        var slab = BufferSlab.ForConnections(1, 1024);
        Assert.Throws<InvalidOperationException>(() => slab.Return(0));
    }
}
