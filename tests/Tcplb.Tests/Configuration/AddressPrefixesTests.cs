using System.Diagnostics;
using System.Net;
using Tcplb.Configuration;

namespace Tcplb.Tests.Configuration;

public class AddressPrefixesTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.1.1", true)] // an IPv4 client of a dual-stack listener is judged as IPv4
    [InlineData("::ffff:10.0.0.0/104", "10.1.1.1", true)]
    [InlineData("192.0.2.7", "192.0.2.7", true)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    [InlineData("192.0.2.7/24", "192.0.2.200", true)] // host bits written in the prefix are ignored
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("::1", "::1", true)]
    [InlineData("::1", "127.0.0.1", false)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("::/0", "203.0.113.9", true)] // every address, IPv4 ones as ::ffff:a.b.c.d
    [InlineData("10.0.0.0/9, 10.128.0.0/9 ,172.16.0.0/12", "10.200.0.1", true)]
    public void Contains_ByPrefix(string prefixes, string address, bool expected) =>
        Assert.Equal(expected, AddressPrefixes.Parse(prefixes, "--allow").Contains(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.1")]
    [InlineData("10.0.0.0/8,")]
    [InlineData("2001:db8::/129")]
    [InlineData("fe80::1%2")]
    [InlineData("localhost")]
    [InlineData("")]
    public void Parse_Bad_NamesTheOptionAndValue(string text)
    {
        var error = Assert.Throws<ConfigException>(() => AddressPrefixes.Parse(text, "--deny"));
        Assert.StartsWith("--deny: '", error.Message);
        Assert.Contains("is not an IPv4 or IPv6 address or prefix", error.Message);
    }

    [Fact]
    public void Contains_OverlappingAndNestedPrefixes_AsTheirUnion()
    {
        var prefixes = AddressPrefixes.Parse("10.0.0.0/24,10.0.0.128/25,10.0.1.0/24,10.0.3.0/24,10.0.0.5", "--deny");
        Assert.Equal(5, prefixes.Count);
        foreach (var (address, expected) in new[] { ("10.0.0.0", true), ("10.0.1.255", true), ("10.0.2.0", false), ("10.0.3.7", true), ("10.0.4.0", false), ("9.255.255.255", false) })
        {
            Assert.True(expected == prefixes.Contains(IPAddress.Parse(address)), address);
        }
    }

    [Fact]
    public void Contains_TenThousandRandomPrefixes_AgreesWithAScanOfEach()
    {
        var random = new Random(7);
        var list = Enumerable.Range(0, 10_000).Select(_ => (Address: (uint)random.Next() << 1, Length: random.Next(8, 33))).ToList();
        var prefixes = AddressPrefixes.Parse(string.Join(',', list.Select(p => $"{new IPAddress(Reverse(p.Address))}/{p.Length}")), "--deny");
        for (var i = 0; i < 20_000; i++)
        {
            var address = (uint)random.Next() << 1 | (uint)random.Next(2);
            var expected = list.Any(p => (address ^ p.Address) >> (32 - p.Length) == 0);
            Assert.Equal(expected, prefixes.Contains(new IPAddress(Reverse(address))));
        }
    }

    /// <summary>
    /// Not a pass/fail timing test: prints what a lookup costs with 10,000 prefixes against 10, for the record
    /// (a few tens of nanoseconds either way; run with <c>--logger "console;verbosity=detailed"</c>).
    /// </summary>
    [Fact]
    public void Contains_Cost_WithTenAndTenThousandPrefixes()
    {
        var random = new Random(3);
        var clients = Enumerable.Range(0, 4096).Select(_ => IPAddress.Parse($"{random.Next(256)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}")).ToArray();
        foreach (var size in new[] { 10, 10_000 })
        {
            var prefixes = AddressPrefixes.Parse(string.Join(',', Enumerable.Range(0, size).Select(_ => $"{random.Next(256)}.{random.Next(256)}.{random.Next(256)}.0/24")), "--deny");
            var hits = 0;
            var best = double.MaxValue;
            for (var run = 0; run < 5; run++) // the best of five: the first runs before the JIT's last tier, others share the machine
            {
                var watch = Stopwatch.StartNew();
                for (var round = 0; round < 100; round++)
                {
                    foreach (var client in clients)
                    {
                        hits += prefixes.Contains(client) ? 1 : 0;
                    }
                }
                best = Math.Min(best, watch.Elapsed.TotalNanoseconds / (100 * clients.Length));
            }
            var perLookup = best;
            Console.WriteLine($"AddressPrefixes.Contains: {size} prefixes, {perLookup:F1} ns a lookup ({hits} hits)");
        }
    }

    private static long Reverse(uint address) => (long)(uint)IPAddress.HostToNetworkOrder((int)address);
}
