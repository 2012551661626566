using System.Net;
using Tcplb.Backends;
using Tcplb.Balancing;

namespace Tcplb.Tests.Balancing;

/// <summary>
/// Several tcplb replicas share no state, yet source-hash must send a client to the same server from each of
/// them (docs/scale-out.md). Each replica here has its own policy and its own <see cref="Backend"/> objects, as
/// separate processes would, built from the same servers as DNS might list them: in another order.
/// </summary>
public class SourceHashReplicaTests
{
    private static readonly (string Address, int Weight)[] ServerList =
        [("10.1.0.11", 1), ("10.1.0.12", 1), ("10.1.0.13", 2), ("10.1.0.14", 1), ("10.1.0.15", 3), ("10.1.0.16", 1)];

    private static Backend[] Replica(IEnumerable<(string Address, int Weight)> servers) =>
        [.. servers.Select(s => new Backend(new IPEndPoint(IPAddress.Parse(s.Address), 5000), "backend:5000", s.Weight))];

    [Fact]
    public void Pick_TwoReplicasSameServersInAnotherOrder_SendEveryClientToTheSameServer()
    {
        var first = Replica(ServerList);
        var second = Replica(ServerList.Reverse().Skip(2).Concat(ServerList.Reverse().Take(2)));
        IBalancePolicy firstPolicy = new SourceHashPolicy();
        IBalancePolicy secondPolicy = new SourceHashPolicy();
        Assert.NotEqual(first.Select(s => s.Name), second.Select(s => s.Name));

        var spread = new Dictionary<string, int>();
        for (var i = 0; i < 10_000; i++)
        {
            // Client addresses as the session hashes them: the address bytes (198.18.0.0/15, the benchmark range).
            var client = new IPAddress([198, (byte)(18 + (i >> 16)), (byte)(i >> 8), (byte)i]);
            var hash = Hashing.Of(client.GetAddressBytes());
            var fromFirst = firstPolicy.Pick(first, hash).Name;
            Assert.Equal(fromFirst, secondPolicy.Pick(second, hash).Name);
            spread[fromFirst] = spread.GetValueOrDefault(fromFirst) + 1;
        }

        // Every server takes clients, in proportion to its weight (total weight 9).
        Assert.Equal(ServerList.Length, spread.Count);
        foreach (var (address, weight) in ServerList)
        {
            Assert.InRange(spread[$"{address}:5000"], 10_000 * weight / 9 * 0.85, 10_000 * weight / 9 * 1.15);
        }
    }
}
