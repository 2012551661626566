using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.SharedState;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Balancing;

public class BalancePolicyTests
{
    private static Dictionary<Backend, int> Count(IBalancePolicy policy, Backend[] servers, int picks, Func<int, ulong>? clientHash = null)
    {
        var counts = servers.ToDictionary(s => s, _ => 0);
        for (var i = 0; i < picks; i++)
        {
            counts[policy.Pick(servers, clientHash?.Invoke(i) ?? 0)]++;
        }
        return counts;
    }

    [Fact]
    public void RoundRobin_TakesTurnsInOrder()
    {
        var servers = Servers.Make(3);
        var policy = new RoundRobinPolicy();
        Assert.Equal([.. servers, .. servers], Enumerable.Range(0, 6).Select(_ => policy.Pick(servers, 0)));
    }

    [Fact]
    public void RoundRobin_OfTwoWorkers_TakesTheGroupsTurnsInOrder()
    {
        var servers = Servers.Make(3);
        var (first, second) = SharedTables.TwoWorkers();
        var policies = new[] { new RoundRobinPolicy(RouteState.For(first, 7)), new RoundRobinPolicy(RouteState.For(second, 7)) };
        var picks = new[] { 0, 0, 1, 0, 1, 1 }.Select(worker => policies[worker].Pick(servers, 0));
        Assert.Equal([.. servers, .. servers], picks);
    }

    [Fact]
    public void LeastConn_OfTwoWorkers_ComparesTheGroupsConnections()
    {
        var (first, second) = SharedTables.TwoWorkers();
        Backend[] inFirst = [Server(first, 1), Server(first, 2)];
        Backend[] inSecond = [Server(second, 1), Server(second, 2)];
        inFirst[0].State.MarkConnected(); // a connection the second worker does not hold itself
        var policy = new LeastConnPolicy(RouteState.For(second, 7));
        Assert.All(Enumerable.Range(0, 4), _ => Assert.Same(inSecond[1], policy.Pick(inSecond, 0)));

        static Backend Server(StateTable table, int port)
        {
            var endPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port);
            return new Backend(endPoint, $"s:{port}", 1, state: BackendState.For(table, endPoint));
        }
    }

    [Fact]
    public void RoundRobin_HonoursWeights()
    {
        var servers = Servers.Make(3, 3, 1, 2);
        Assert.Equal([300, 100, 200], Count(new RoundRobinPolicy(), servers, 600).Values);
    }

    [Fact]
    public void LeastConn_PicksTheFewestActive_TiesInTurn()
    {
        var servers = Servers.Make(3);
        servers[0].State.MarkConnected();
        servers[1].State.MarkConnected();
        var policy = new LeastConnPolicy();
        Assert.Same(servers[2], policy.Pick(servers, 0));
        servers[2].State.MarkConnected();
        var tied = Enumerable.Range(0, 3).Select(_ => policy.Pick(servers, 0)).ToHashSet();
        Assert.Equal(3, tied.Count);
    }

    [Fact]
    public void LeastConn_ComparesActivePerWeight()
    {
        var servers = Servers.Make(2, 4, 1);
        for (var i = 0; i < 3; i++)
        {
            servers[0].State.MarkConnected();
        }
        servers[1].State.MarkConnected();
        Assert.Same(servers[0], new LeastConnPolicy().Pick(servers, 0)); // 3 of weight 4 is less loaded than 1 of weight 1
    }

    [Fact]
    public void RandomTwo_PrefersTheLessLoadedOfTwo_AndIsSeedable()
    {
        var servers = Servers.Make(2);
        for (var i = 0; i < 5; i++)
        {
            servers[0].State.MarkConnected();
        }
        var policy = new RandomTwoPolicy(new Random(7));
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Same(servers[1], policy.Pick(servers, 0)));
        var again = Count(new RandomTwoPolicy(new Random(7)), Servers.Make(5), 1000);
        var same = Count(new RandomTwoPolicy(new Random(7)), Servers.Make(5), 1000);
        Assert.Equal(again.Values, same.Values);
    }

    [Fact]
    public void SourceHash_SameClient_SameServer()
    {
        var servers = Servers.Make(5);
        var policy = new SourceHashPolicy();
        var hash = Hashing.Of("192.0.2.7"u8);
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Same(policy.Pick(servers, hash), policy.Pick(servers, hash)));
    }

    [Fact]
    public void SourceHash_AddingOneServerToN_MovesAboutOneInNPlusOneClients()
    {
        var before = Servers.Make(4);
        var after = Servers.Make(5);
        var policy = new SourceHashPolicy();
        const int clients = 20_000;
        var moved = 0;
        var spread = new int[5];
        for (var i = 0; i < clients; i++)
        {
            var hash = Hashing.Of(BitConverter.GetBytes(i));
            var was = policy.Pick(before, hash).Name;
            var now = policy.Pick(after, hash).Name;
            spread[Array.FindIndex(after, s => s.Name == now)]++;
            if (was != now)
            {
                moved++;
                Assert.Equal(after[4].Name, now); // clients only move to the new server
            }
        }
        Assert.InRange(moved / (double)clients, 0.17, 0.23); // 1/5
        Assert.All(spread, n => Assert.InRange(n, clients / 5 * 0.9, clients / 5 * 1.1));
    }
}
