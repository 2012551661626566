using Tcplb.Backends;

namespace Tcplb.Tests.Backends;

public class CooldownTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(5, 160)]
    [InlineData(6, 300)]
    [InlineData(60, 300)]
    public void After_RepeatedFailures_DoublesUpToFiveMinutes(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Cooldown.After(failures, TimeSpan.FromSeconds(10)));

    [Fact]
    public void After_BaseLongerThanTheCap_StaysAtTheBase() =>
        Assert.Equal(TimeSpan.FromMinutes(10), Cooldown.After(4, TimeSpan.FromMinutes(10)));
}
