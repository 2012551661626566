using Tcplb.Net;

namespace Tcplb.Tests.Net;

public class ReceiveSizeTests
{
    [Fact]
    public void StartsAtTheInitialWindow_AndStaysThereWhileReadsAreShort()
    {
        var size = ReceiveSize.For(64 * 1024);
        Assert.Equal(BufferSlab.InitialWindow, size.Bytes);
        size.Received(100);
        size.Received(BufferSlab.InitialWindow - 1);
        Assert.Equal(BufferSlab.InitialWindow, size.Bytes);
    }

    [Fact]
    public void AFullRead_WidensToTheWholeWindow_ForTheRestOfTheConnection()
    {
        var size = ReceiveSize.For(64 * 1024);
        size.Received(BufferSlab.InitialWindow);
        Assert.Equal(64 * 1024, size.Bytes);
        size.Received(10);
        Assert.Equal(64 * 1024, size.Bytes);
    }

    [Fact]
    public void AWindowSmallerThanTheInitialOne_IsUsedWhole()
    {
        Assert.Equal(4096, ReceiveSize.For(4096).Bytes);
    }
}
