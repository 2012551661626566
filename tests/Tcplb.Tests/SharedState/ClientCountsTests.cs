using Tcplb.SharedState;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.SharedState;

public class ClientCountsTests
{
    [Fact]
    public void TryEnter_CountsTheGroup_OneAddressGetsTheLimitInAll()
    {
        var (first, second) = SharedTables.TwoWorkers();
        Assert.Equal(ClientCounts.Entry.Entered, new ClientCounts(first).TryEnter(1, true, 2));
        Assert.Equal(ClientCounts.Entry.Entered, new ClientCounts(second).TryEnter(1, true, 2));
        Assert.Equal(ClientCounts.Entry.OverLimit, new ClientCounts(first).TryEnter(1, true, 2));
        Assert.Equal(ClientCounts.Entry.Entered, new ClientCounts(first).TryEnter(1, false, 2)); // an IPv6 /64 with the same bits
        new ClientCounts(second).Leave(1, true);
        Assert.Equal(ClientCounts.Entry.Entered, new ClientCounts(first).TryEnter(1, true, 2));
    }

    [Fact]
    public void TryEnter_WhenTheTableIsFull_RefusesNewAddresses_AndKnownOnesStillCount()
    {
        var counts = new ClientCounts(StateTable.Private(clients: 64));
        for (ulong key = 0; key < 48; key++)
        {
            Assert.Equal(ClientCounts.Entry.Entered, counts.TryEnter(key, true, 5));
        }
        Assert.Equal(ClientCounts.Entry.Full, counts.TryEnter(1000, true, 5));
        Assert.Equal(ClientCounts.Entry.Entered, counts.TryEnter(3, true, 5));
        counts.Leave(7, true);
        Assert.Equal(ClientCounts.Entry.Entered, counts.TryEnter(1000, true, 5));
    }

    [Fact]
    public void ReleaseWorker_WithEntriesInOneRun_LeavesEveryOtherEntryFindable()
    {
        var (first, second) = SharedTables.TwoWorkers(clients: 64);
        var random = new Random(3);
        var keys = Enumerable.Range(0, 40).Select(_ => (ulong)random.Next()).Distinct().ToArray();
        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
        {
            new ClientCounts(i % 2 == 0 ? first : second).TryEnter(key, true, 9);
        }
        first.ReleaseWorker(1, pid: int.MaxValue);
        var counts = new ClientCounts(first);
        Assert.Equal((keys.Length + 1) / 2, counts.Clients);
        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
        {
            // A kept entry is found (limit 1: over it); a released one is free again (entered).
            Assert.Equal(i % 2 == 0 ? ClientCounts.Entry.OverLimit : ClientCounts.Entry.Entered, counts.TryEnter(key, true, 1));
        }
    }
}
