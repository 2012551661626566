using Tcplb.Net;

namespace Tcplb.Tests.Net;

public class BufferSlabTests
{
    [Fact]
    public void TryRent_GivesDistinctSlicesUntilExhausted_ThenReuseAfterReturn()
    {
        var slab = new BufferSlab(3, 1024);
        Assert.Equal(3 * 1024, slab.Memory.Length);
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
        Assert.Equal((1, 1024), (again, slab.Offset(again)));
    }

    [Fact]
    public void Return_MoreThanRented_Throws()
    {
        var slab = new BufferSlab(1, 1024);
        Assert.Throws<InvalidOperationException>(() => slab.Return(0));
    }
}
