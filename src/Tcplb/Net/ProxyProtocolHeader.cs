using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tcplb.Configuration;

namespace Tcplb.Net;

/// <summary>
/// Writes the PROXY protocol header (HAProxy's specification, versions 1 and 2) that tells a server the
/// client's real source and destination addresses. Sent once, before the first byte from the client.
/// </summary>
internal static class ProxyProtocolHeader
{
    /// <summary>Room for any header: a version 1 line is at most 107 bytes (the specification's §2.1), version 2 for IPv6 is 52.</summary>
    public const int MaxLength = 108;

    /// <summary>The 12-byte signature that opens a version 2 header.</summary>
    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>
    /// Writes the header for a connection from <paramref name="source"/> (the real client) to <paramref name="client"/>'s
    /// local address into <paramref name="destination"/>; returns its length.
    /// </summary>
    public static int Write(ProxyProtocolVersion version, IPEndPoint? source, Socket client, Span<byte> destination)
    {
        IPEndPoint? target = null;
        try
        {
            target = client.LocalEndPoint as IPEndPoint;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Unknown addresses (the connection is already being torn down): the header says so.
        }
        return version == ProxyProtocolVersion.V1 ? WriteV1(source, target, destination) : WriteV2(source, target, destination);
    }

    /// <summary><c>PROXY TCP4 src dst sport dport\r\n</c>, or <c>PROXY UNKNOWN\r\n</c> when the addresses are not known.</summary>
    public static int WriteV1(IPEndPoint? source, IPEndPoint? target, Span<byte> destination)
    {
        string line;
        if (source is null || target is null)
        {
            line = "PROXY UNKNOWN\r\n";
        }
        else
        {
            (source, target) = SameFamily(source, target);
            var family = source.AddressFamily == AddressFamily.InterNetwork ? "TCP4" : "TCP6";
            line = $"PROXY {family} {source.Address} {target.Address} {source.Port} {target.Port}\r\n";
        }
        return Encoding.ASCII.GetBytes(line, destination);
    }

    /// <summary>Binary header: signature, version 2 PROXY command, TCP over IPv4 or IPv6, the addresses and ports.</summary>
    public static int WriteV2(IPEndPoint? source, IPEndPoint? target, Span<byte> destination)
    {
        V2Signature.CopyTo(destination);
        if (source is null || target is null)
        {
            destination[12] = 0x20; // version 2, LOCAL: no addresses follow
            destination[13] = 0x00;
            BinaryPrimitives.WriteUInt16BigEndian(destination[14..], 0);
            return 16;
        }
        (source, target) = SameFamily(source, target);
        var v4 = source.AddressFamily == AddressFamily.InterNetwork;
        var addressLength = v4 ? 4 : 16;
        destination[12] = 0x21; // version 2, PROXY
        destination[13] = v4 ? (byte)0x11 : (byte)0x21; // TCP over IPv4 / IPv6
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], (ushort)(2 * addressLength + 4));
        var body = destination[16..];
        source.Address.TryWriteBytes(body, out _);
        target.Address.TryWriteBytes(body[addressLength..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(body[(2 * addressLength)..], (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(body[(2 * addressLength + 2)..], (ushort)target.Port);
        return 16 + 2 * addressLength + 4;
    }

    /// <summary>Both addresses in one family: IPv4-mapped ones are unmapped, and a mixed pair is written as IPv6.</summary>
    private static (IPEndPoint Source, IPEndPoint Target) SameFamily(IPEndPoint source, IPEndPoint target)
    {
        source = Addresses.Unmap(source);
        target = Addresses.Unmap(target);
        if (source.AddressFamily == target.AddressFamily)
        {
            return (source, target);
        }
        return (new IPEndPoint(source.Address.MapToIPv6(), source.Port), new IPEndPoint(target.Address.MapToIPv6(), target.Port));
    }
}
