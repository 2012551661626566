using System.Net;
using System.Text;
using Tcplb.Net;

namespace Tcplb.Tests.Net;

public class ProxyHeaderReaderTests
{
    [Theory]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 51000 443\r\n", "203.0.113.7:51000")]
    [InlineData("PROXY TCP6 2001:db8::7 2001:db8::1 51000 443\r\n", "[2001:db8::7]:51000")]
    [InlineData("PROXY UNKNOWN\r\n", null)]
    [InlineData("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n", null)]
    public void V1_Complete_GivesTheClientAndTheLength(string header, string? client)
    {
        var bytes = Encoding.ASCII.GetBytes(header + "after");
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderReader.Read(bytes, out var length, out var endPoint));
        Assert.Equal((header.Length, client), (length, endPoint?.ToString()));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 51000\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 51000 443 extra\r\n")]
    [InlineData("PROXY TCP4 2001:db8::7 192.0.2.1 51000 443\r\n")]
    [InlineData("PROXY TCP6 203.0.113.7 192.0.2.1 51000 443\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 65536 443\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 0443 443\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7  192.0.2.1 51000 443\r\n")]
    [InlineData("PROXY TCP4 example.com 192.0.2.1 51000 443\r\n")]
    [InlineData("PROXY TCP4 10.1 192.0.2.1 51000 443\r\n")]
    [InlineData("PROXY UDP4 203.0.113.7 192.0.2.1 51000 443\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 51000 443\n")]
    [InlineData("proxy TCP4 203.0.113.7 192.0.2.1 51000 443\r\n")]
    public void V1_Malformed_IsInvalid(string header) =>
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderReader.Read(Encoding.ASCII.GetBytes(header), out _, out _));

    [Fact]
    public void V1_NoLineEndWithin107Bytes_IsInvalid()
    {
        var bytes = Encoding.ASCII.GetBytes("PROXY UNKNOWN " + new string('x', 200));
        Assert.Equal(ProxyHeaderStatus.Incomplete, ProxyHeaderReader.Read(bytes.AsSpan(0, 106), out _, out _));
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderReader.Read(bytes.AsSpan(0, 107), out _, out _));
    }

    [Fact]
    public void V2_ProxyOverIPv4_WithTlvs_SkipsThemSafely()
    {
        byte[] tlvs = [0x01, 0x00, 0x02, (byte)'h', (byte)'2', 0xEA, 0x00, 0x03, 1, 2, 3];
        var header = V2(0x21, 0x11, [203, 0, 113, 7, 192, 0, 2, 1, 0xC7, 0x38, 0x01, 0xBB, .. tlvs]);
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderReader.Read([.. header, .. "after"u8], out var length, out var client));
        Assert.Equal((header.Length, "203.0.113.7:51000"), (length, client?.ToString()));
    }

    [Fact]
    public void V2_ProxyOverIPv6_GivesTheClient()
    {
        var source = IPAddress.Parse("2001:db8::7").GetAddressBytes();
        var target = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        var header = V2(0x21, 0x21, [.. source, .. target, 0xC7, 0x38, 0x01, 0xBB]);
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderReader.Read(header, out _, out var client));
        Assert.Equal("[2001:db8::7]:51000", client?.ToString());
    }

    [Theory]
    [InlineData(0x20, 0x00)] // LOCAL: a health check of the front balancer
    [InlineData(0x20, 0x11)] // LOCAL with addresses: they are ignored
    [InlineData(0x21, 0x00)] // PROXY, unspecified family
    [InlineData(0x21, 0x31)] // PROXY over a UNIX socket
    [InlineData(0x21, 0x12)] // PROXY, datagram
    public void V2_LocalOrNoUsableAddress_IsCompleteWithoutAClient(byte command, byte family)
    {
        var header = V2(command, family, new byte[family == 0 ? 0 : 12]);
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderReader.Read(header, out var length, out var client));
        Assert.Equal((header.Length, (IPEndPoint?)null), (length, client));
    }

    [Theory]
    [InlineData(0x11, 0x11, 12)] // version 1 in a binary header
    [InlineData(0x22, 0x11, 12)] // command 2
    [InlineData(0x21, 0x11, 11)] // too short for IPv4 addresses
    [InlineData(0x21, 0x21, 35)] // too short for IPv6 addresses
    [InlineData(0x21, 0x11, 1100)] // longer than any balancer sends
    public void V2_Malformed_IsInvalid(byte command, byte family, int bodyLength) =>
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderReader.Read(V2(command, family, new byte[bodyLength]), out _, out _));

    [Fact]
    public void Fuzz_ByteByByteArrival_IsIncompleteUntilTheLastByte_ThenTheSameAsWhole()
    {
        byte[][] headers =
        [
            Encoding.ASCII.GetBytes("PROXY TCP6 2001:db8::7 2001:db8::1 51000 443\r\n"),
            Encoding.ASCII.GetBytes("PROXY UNKNOWN\r\n"),
            V2(0x21, 0x11, [203, 0, 113, 7, 192, 0, 2, 1, 0xC7, 0x38, 0x01, 0xBB, 0x04, 0x00, 0x01, 0x00]),
            V2(0x20, 0x00, []),
        ];
        foreach (var header in headers)
        {
            for (var held = 0; held < header.Length; held++)
            {
                Assert.Equal(ProxyHeaderStatus.Incomplete, ProxyHeaderReader.Read(header.AsSpan(0, held), out _, out _));
            }
            Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderReader.Read(header, out var length, out _));
            Assert.Equal(header.Length, length);
        }
    }

    [Fact]
    public void Fuzz_RandomAndMutatedHeaders_NeverThrow_AndNeverClaimMoreThanIsHeld()
    {
        var random = new Random(19);
        byte[][] seeds =
        [
            Encoding.ASCII.GetBytes("PROXY TCP4 203.0.113.7 192.0.2.1 51000 443\r\n"),
            Encoding.ASCII.GetBytes("PROXY TCP6 2001:db8::7 2001:db8::1 51000 443\r\n"),
            V2(0x21, 0x11, [203, 0, 113, 7, 192, 0, 2, 1, 0xC7, 0x38, 0x01, 0xBB]),
            V2(0x21, 0x21, new byte[36]),
        ];
        for (var i = 0; i < 200_000; i++)
        {
            byte[] bytes;
            if (i % 4 == 0)
            {
                bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = [.. seeds[random.Next(seeds.Length)]];
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
                bytes = bytes[..random.Next(bytes.Length + 1)];
            }
            var status = ProxyHeaderReader.Read(bytes, out var length, out var client);
            if (status == ProxyHeaderStatus.Complete)
            {
                Assert.InRange(length, 15, bytes.Length);
                Assert.True(client is null || client.Port is >= 0 and <= 65535);
            }
        }
    }

    private static byte[] V2(byte command, byte family, byte[] body) =>
        [.. ProxyProtocolHeader.V2Signature, command, family, (byte)(body.Length >> 8), (byte)body.Length, .. body];
}
