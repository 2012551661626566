using Tcplb.SharedState;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.SharedState;

public class ClientRatesTests
{
    private const long Second = 1_000_000;

    [Fact]
    public void TryAdmit_ABurstOfTheRate_ThenOnePerInterval_CountedForTheGroup()
    {
        var (first, second) = SharedTables.TwoWorkers();
        var (a, b) = (new ClientRates(first), new ClientRates(second));
        var interval = Second / 3;
        Assert.True(a.TryAdmit(1, true, 0, interval, 3));
        Assert.True(b.TryAdmit(1, true, 0, interval, 3));
        Assert.True(a.TryAdmit(1, true, 0, interval, 3));
        Assert.False(b.TryAdmit(1, true, 0, interval, 3)); // the burst is the group's
        Assert.True(b.TryAdmit(2, true, 0, interval, 3)); // another address
        Assert.False(a.TryAdmit(1, true, interval - 1, interval, 3));
        Assert.True(a.TryAdmit(1, true, interval, interval, 3));
    }

    [Fact]
    public void TryAdmit_MoreAddressesThanTheTableHolds_NeverRefusesANewOne()
    {
        var rates = new ClientRates(StateTable.Private(rates: 64));
        for (ulong key = 0; key < 5000; key++)
        {
            Assert.True(rates.TryAdmit(key, true, (long)key, Second, 1));
        }
    }
}
