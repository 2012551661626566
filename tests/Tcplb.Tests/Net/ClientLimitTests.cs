using System.Net;
using Tcplb.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Net;

public class ClientLimitTests
{
    private readonly FakeLog _log = new();

    private ClientLimit Limit(int limit) => new(limit, _log.Log, _log.Time);

    private static ClientKey V4(uint address) => new(address, true);

    [Fact]
    public void TryEnter_UpToTheLimitPerAddress_OthersUnaffected_AndLeavingMakesRoom()
    {
        var limit = Limit(2);
        Assert.True(limit.TryEnter(V4(1)));
        Assert.True(limit.TryEnter(V4(1)));
        Assert.False(limit.TryEnter(V4(1)));
        Assert.True(limit.TryEnter(V4(2)));
        limit.Leave(V4(1));
        Assert.True(limit.TryEnter(V4(1)));
    }

    [Fact]
    public void Refusals_AreLoggedOncePerTenSeconds()
    {
        var limit = Limit(1);
        limit.TryEnter(V4(0x7f000001));
        for (var i = 0; i < 5; i++)
        {
            Assert.False(limit.TryEnter(V4(0x7f000001)));
        }
        _log.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(limit.TryEnter(V4(0x7f000001)));
        var lines = _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("msg=\"client over its connection limit; its new connections are reset\" client=127.0.0.1 limit=1", lines[0]);
    }

    [Fact]
    public void Table_HoldsOnlyAddressesWithConnections_HoweverManyCameAndWent()
    {
        var limit = Limit(3);
        var random = new Random(5);
        var open = new List<ClientKey>();
        for (var i = 0; i < 200_000; i++)
        {
            if (open.Count < 500 && random.Next(2) == 0 || open.Count == 0)
            {
                var key = V4((uint)random.Next());
                if (limit.TryEnter(key))
                {
                    open.Add(key);
                }
                continue;
            }
            var index = random.Next(open.Count);
            limit.Leave(open[index]);
            open[index] = open[^1];
            open.RemoveAt(open.Count - 1);
        }
        Assert.Equal(open.Distinct().Count(), limit.Clients);
        foreach (var key in open)
        {
            limit.Leave(key);
        }
        Assert.Equal(0, limit.Clients);
    }

    [Fact]
    public void ClientKey_IPv4MappedCountsAsIPv4_AndIPv6ByItsSlash64()
    {
        Assert.Equal(Key("127.0.0.1"), Key("::ffff:127.0.0.1"));
        Assert.Equal(Key("2001:db8:1:2::5"), Key("2001:db8:1:2:ffff::9"));
        Assert.NotEqual(Key("2001:db8:1:2::5"), Key("2001:db8:1:3::5"));
        Assert.Equal("2001:db8:1:2::/64", Key("2001:db8:1:2::5").ToString());
        Assert.Equal("192.0.2.7", Key("192.0.2.7").ToString());
    }

    private static ClientKey Key(string address) => ClientKey.Of(IPAddress.Parse(address));
}
