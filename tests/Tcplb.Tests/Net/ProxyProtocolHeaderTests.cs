using System.Buffers.Binary;
using System.Net;
using System.Text;
using Tcplb.Net;

namespace Tcplb.Tests.Net;

/// <summary>Checks the headers against a reader written from HAProxy's PROXY protocol specification (sections 2.1 and 2.2).</summary>
public class ProxyProtocolHeaderTests
{
    [Theory]
    [InlineData("192.0.2.1:5555", "198.51.100.2:7777", "PROXY TCP4 192.0.2.1 198.51.100.2 5555 7777\r\n")]
    [InlineData("[2001:db8::1]:5555", "[2001:db8::2]:7777", "PROXY TCP6 2001:db8::1 2001:db8::2 5555 7777\r\n")]
    [InlineData("[::ffff:192.0.2.1]:5555", "[::ffff:198.51.100.2]:7777", "PROXY TCP4 192.0.2.1 198.51.100.2 5555 7777\r\n")]
    public void WriteV1_GivesTheSpecifiedLine(string source, string target, string expected)
    {
        var buffer = new byte[108]; // the specification's maximum v1 header
        var length = ProxyProtocolHeader.WriteV1(IPEndPoint.Parse(source), IPEndPoint.Parse(target), buffer);
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer, 0, length));
    }

    [Fact]
    public void WriteV1_UnknownAddresses_SaysUnknown()
    {
        var buffer = new byte[108];
        Assert.Equal("PROXY UNKNOWN\r\n", Encoding.ASCII.GetString(buffer, 0, ProxyProtocolHeader.WriteV1(null, null, buffer)));
    }

    [Theory]
    [InlineData("192.0.2.1:5555", "198.51.100.2:7777")]
    [InlineData("[2001:db8::1]:5555", "[2001:db8::2]:7777")]
    [InlineData("[::ffff:192.0.2.1]:5555", "[::ffff:198.51.100.2]:7777")]
    public void WriteV2_ReadsBackPerTheSpecification(string source, string target)
    {
        var buffer = new byte[232];
        var length = ProxyProtocolHeader.WriteV2(IPEndPoint.Parse(source), IPEndPoint.Parse(target), buffer);
        var (command, readSource, readTarget, consumed) = ReadV2(buffer.AsSpan(0, length));
        Assert.Equal(length, consumed);
        Assert.Equal("PROXY", command);
        Assert.Equal(Unmapped(source), readSource);
        Assert.Equal(Unmapped(target), readTarget);
    }

    [Fact]
    public void WriteV2_UnknownAddresses_IsALocalCommand()
    {
        var buffer = new byte[232];
        var length = ProxyProtocolHeader.WriteV2(null, null, buffer);
        Assert.Equal(("LOCAL", null, null, 16), ReadV2(buffer.AsSpan(0, length)));
    }

    private static IPEndPoint Unmapped(string text)
    {
        var endPoint = IPEndPoint.Parse(text);
        return endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
    }

    /// <summary>A v2 reader from the specification: 12-byte signature, version/command, family/protocol, length, addresses.</summary>
    private static (string Command, IPEndPoint? Source, IPEndPoint? Target, int Length) ReadV2(ReadOnlySpan<byte> header)
    {
        byte[] signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];
        Assert.True(header[..12].SequenceEqual(signature));
        Assert.Equal(2, header[12] >> 4);
        var command = (header[12] & 0xF) switch { 0 => "LOCAL", 1 => "PROXY", _ => "?" };
        var length = 16 + BinaryPrimitives.ReadUInt16BigEndian(header[14..]);
        if (command == "LOCAL")
        {
            return (command, null, null, length);
        }
        var addresses = header[16..];
        switch (header[13])
        {
            case 0x11: // TCP over IPv4
                return (command,
                    new IPEndPoint(new IPAddress(addresses[..4]), BinaryPrimitives.ReadUInt16BigEndian(addresses[8..])),
                    new IPEndPoint(new IPAddress(addresses[4..8]), BinaryPrimitives.ReadUInt16BigEndian(addresses[10..])),
                    length);
            case 0x21: // TCP over IPv6
                return (command,
                    new IPEndPoint(new IPAddress(addresses[..16]), BinaryPrimitives.ReadUInt16BigEndian(addresses[32..])),
                    new IPEndPoint(new IPAddress(addresses[16..32]), BinaryPrimitives.ReadUInt16BigEndian(addresses[34..])),
                    length);
            default:
                throw new InvalidDataException($"family/protocol byte {header[13]:x2}");
        }
    }
}
