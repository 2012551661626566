using System.Diagnostics;
using System.Net;
using Tcplb.Backends;
using Tcplb.SharedState;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.SharedState;

public class StateTableTests
{
    private static readonly IPEndPoint Address = new(IPAddress.Loopback, 5000);

    [Fact]
    public void ServerState_IsOneRowForEveryWorker_FailuresAndSlotsAreTheGroups()
    {
        var (first, second) = SharedTables.TwoWorkers();
        var one = BackendState.For(first, Address);
        var other = BackendState.For(second, Address);
        Assert.NotNull(one.MarkFailed(TimeProvider.System, TimeSpan.FromSeconds(10)));
        Assert.False(other.IsAvailable(TimeProvider.System.GetTimestamp())); // learnt by one, known to both
        Assert.True(one.TryTakeSlot(2));
        Assert.True(other.TryTakeSlot(2));
        Assert.False(one.TryTakeSlot(2)); // the limit is the group's
        Assert.Equal(2, other.Slots);
    }

    [Fact]
    public void FailThreshold_CountsTheFailuresOfEveryWorker()
    {
        var (first, second) = SharedTables.TwoWorkers();
        Assert.Null(BackendState.For(first, Address).MarkFailed(TimeProvider.System, TimeSpan.FromSeconds(10), threshold: 2));
        Assert.NotNull(BackendState.For(second, Address).MarkFailed(TimeProvider.System, TimeSpan.FromSeconds(10), threshold: 2));
    }

    [Fact]
    public void Counters_AreWrittenPerWorker_AndReadAsTheGroupsSum()
    {
        var (first, second) = SharedTables.TwoWorkers();
        var one = BackendState.For(first, Address);
        var other = BackendState.For(second, Address);
        one.MarkConnected();
        other.MarkConnected();
        other.MarkClosed(10, 20);
        Assert.Equal((1, 2L, 10L, 20L), (one.Active, one.Connections, one.BytesSent, one.BytesReceived));
    }

    [Fact]
    public void ReleaseWorker_GivesBackItsSlotsClientsAndGauges_AndKeepsItsCounts()
    {
        var (first, second) = SharedTables.TwoWorkers();
        var survivor = BackendState.For(first, Address);
        var dying = BackendState.For(second, Address);
        Assert.True(dying.TryTakeSlot(2));
        Assert.True(dying.TryTakeSlot(2));
        dying.MarkConnected();
        var clients = new ClientCounts(second);
        Assert.Equal(ClientCounts.Entry.Entered, clients.TryEnter(7, true, 1));
        second.Workers.Mine.Active = 3;

        first.ReleaseWorker(1, pid: int.MaxValue);

        Assert.Equal((0, 0, 1L), (survivor.Slots, survivor.Active, survivor.Connections));
        Assert.Equal(0, new ClientCounts(first).Clients);
        Assert.Equal(ClientCounts.Entry.Entered, new ClientCounts(first).TryEnter(7, true, 1));
        Assert.Equal(0, first.Workers[1].Active);
    }

    [Fact]
    public void ClaimServer_WhenEveryRowIsTaken_ReusesTheRowOfAServerNoWorkerLists_OrNone()
    {
        var table = StateTable.Private(servers: 2);
        var a = BackendState.For(table, new IPEndPoint(IPAddress.Loopback, 1));
        a.MarkConnected();
        a.MarkClosed(1, 1);
        var b = table.ClaimServer(new IPEndPoint(IPAddress.Loopback, 2));
        Assert.Equal(-1, table.ClaimServer(new IPEndPoint(IPAddress.Loopback, 3)));
        a.Unlist();
        var c = BackendState.For(table, new IPEndPoint(IPAddress.Loopback, 3));
        Assert.Equal((1, 0L), (b, c.Connections)); // a's row, its counts cleared
    }

    [Fact]
    public void ClaimRoute_IsOneTurnPerNameForEveryWorker()
    {
        var (first, second) = SharedTables.TwoWorkers();
        Assert.Equal(0u, RouteState.For(first, 42).NextTurn());
        Assert.Equal(1u, RouteState.For(second, 42).NextTurn());
        Assert.Equal(0u, RouteState.For(second, 43).NextTurn());
    }

    [Fact]
    public unsafe void SharedLock_HeldByAProcessThatEnded_IsTakenOver()
    {
        using var ended = Process.Start("true")!;
        ended.WaitForExit();
        var word = ended.Id;
        SharedLock.Enter(&word);
        Assert.Equal(Environment.ProcessId, word);
        SharedLock.Exit(&word);
        Assert.Equal(0, word);
    }
}
