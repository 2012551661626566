using Tcplb.Infrastructure;

namespace Tcplb.Tests.Infrastructure;

public class ProcessFiguresTests
{
    [Fact]
    public void PrivateResidentBytes_AreSomeOfTheResidentBytes_WithoutTheSharedOnes()
    {
        var resident = ProcessFigures.ResidentBytes();
        var own = ProcessFigures.PrivateResidentBytes();
        Assert.InRange(own, 1, resident); // the test host shares at least libc with other processes
        Assert.True(own < resident);
    }

    [Fact]
    public void OpenDescriptors_CountsThisProcesssDescriptors()
    {
        using var file = File.OpenRead("/proc/self/stat");
        Assert.True(ProcessFigures.OpenDescriptors() >= 4);
    }
}
