using System.Buffers.Binary;
using System.Net;

namespace Tcplb.Net;

/// <summary>What the bytes held so far make of a PROXY protocol header.</summary>
internal enum ProxyHeaderStatus
{
    /// <summary>A good start: more bytes are needed.</summary>
    Incomplete,

    /// <summary>Not a PROXY header, a malformed one, or longer than <see cref="ProxyHeaderReader.MaxLength"/>: no more bytes will help.</summary>
    Invalid,

    /// <summary>A whole header: its length, and the client it names (none for v2 <c>LOCAL</c> or v1 <c>UNKNOWN</c>).</summary>
    Complete,
}

/// <summary>
/// Reads the PROXY protocol header (HAProxy's specification, versions 1 and 2) that a front balancer sends
/// before its client's bytes, from the bytes held so far: byte by byte arrival gives <see cref="ProxyHeaderStatus.Incomplete"/>
/// until the header is whole, and a wrong byte is known as soon as it is held. Every length is checked
/// against the bytes held; nothing is allocated but the client's address. The writer is <see cref="ProxyProtocolHeader"/>.
/// </summary>
internal static class ProxyHeaderReader
{
    /// <summary>
    /// The longest header taken: a v1 line is at most 107 bytes (§2.1); a v2 header with its TLVs (a cloud
    /// balancer's endpoint id, TLS facts) stays well under this, and anything longer is a flood, not a balancer.
    /// </summary>
    public const int MaxLength = 1024;

    private const int V1MaxLength = 107;
    private const int V2FixedLength = 16;

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    public static ProxyHeaderStatus Read(ReadOnlySpan<byte> held, out int length, out IPEndPoint? client)
    {
        length = 0;
        client = null;
        if (held.IsEmpty)
        {
            return ProxyHeaderStatus.Incomplete;
        }
        return held[0] == V1Prefix[0] ? ReadV1(held, out length, out client) : ReadV2(held, out length, out client);
    }

    /// <summary><c>PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n</c>, or <c>PROXY UNKNOWN …\r\n</c> (the connection's own address is used).</summary>
    private static ProxyHeaderStatus ReadV1(ReadOnlySpan<byte> held, out int length, out IPEndPoint? client)
    {
        length = 0;
        client = null;
        var start = held[..Math.Min(held.Length, V1Prefix.Length)];
        if (!start.SequenceEqual(V1Prefix[..start.Length]))
        {
            return ProxyHeaderStatus.Invalid;
        }
        var window = held[..Math.Min(held.Length, V1MaxLength)];
        var end = window.IndexOf("\r\n"u8);
        if (end < 0)
        {
            return window.Length == V1MaxLength || window.IndexOf((byte)'\n') >= 0 ? ProxyHeaderStatus.Invalid : ProxyHeaderStatus.Incomplete;
        }
        length = end + 2;
        var line = window[V1Prefix.Length..end];
        Span<char> fields = stackalloc char[V1MaxLength];
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] is < 0x20 or > 0x7E)
            {
                return ProxyHeaderStatus.Invalid;
            }
            fields[i] = (char)line[i];
        }
        fields = fields[..line.Length];
        if (fields.StartsWith("UNKNOWN") && (fields.Length == 7 || fields[7] == ' '))
        {
            return ProxyHeaderStatus.Complete;
        }
        Span<Range> parts = stackalloc Range[6];
        if (fields.Split(parts, ' ') != 5)
        {
            return ProxyHeaderStatus.Invalid;
        }
        var family = fields[parts[0]];
        var v4 = family.SequenceEqual("TCP4");
        if (!v4 && !family.SequenceEqual("TCP6") ||
            !TryAddress(fields[parts[1]], v4, out var source) || !TryAddress(fields[parts[2]], v4, out _) ||
            !TryPort(fields[parts[3]], out var port) || !TryPort(fields[parts[4]], out _))
        {
            return ProxyHeaderStatus.Invalid;
        }
        client = new IPEndPoint(source, port);
        return ProxyHeaderStatus.Complete;
    }

    /// <summary>The binary header: signature, version and command, family, length, addresses, then TLVs (stepped over).</summary>
    private static ProxyHeaderStatus ReadV2(ReadOnlySpan<byte> held, out int length, out IPEndPoint? client)
    {
        length = 0;
        client = null;
        var signature = ProxyProtocolHeader.V2Signature;
        var start = held[..Math.Min(held.Length, signature.Length)];
        if (!start.SequenceEqual(signature[..start.Length]))
        {
            return ProxyHeaderStatus.Invalid;
        }
        if (held.Length > 12 && (held[12] >> 4 != 2 || (held[12] & 0xF) > 1))
        {
            return ProxyHeaderStatus.Invalid; // version 2 only; commands LOCAL (0) and PROXY (1) only
        }
        if (held.Length < V2FixedLength)
        {
            return ProxyHeaderStatus.Incomplete;
        }
        var total = V2FixedLength + BinaryPrimitives.ReadUInt16BigEndian(held[14..]);
        if (total > MaxLength)
        {
            return ProxyHeaderStatus.Invalid;
        }
        if (held.Length < total)
        {
            return ProxyHeaderStatus.Incomplete;
        }
        length = total;
        var body = held[V2FixedLength..total];
        if ((held[12] & 0xF) == 0)
        {
            return ProxyHeaderStatus.Complete; // LOCAL: the front balancer's own connection (its health checks)
        }
        switch (held[13])
        {
            case 0x11 when body.Length >= 12: // TCP over IPv4
                client = new IPEndPoint(new IPAddress(body[..4]), BinaryPrimitives.ReadUInt16BigEndian(body[8..]));
                return ProxyHeaderStatus.Complete;
            case 0x21 when body.Length >= 36: // TCP over IPv6
                client = new IPEndPoint(new IPAddress(body[..16]), BinaryPrimitives.ReadUInt16BigEndian(body[32..]));
                return ProxyHeaderStatus.Complete;
            case 0x11 or 0x21:
                return ProxyHeaderStatus.Invalid; // too short for its addresses
            default:
                return ProxyHeaderStatus.Complete; // unspecified, UNIX or datagram: nothing usable, the connection's own address is used
        }
    }

    private static bool TryAddress(ReadOnlySpan<char> text, bool v4, out IPAddress address)
    {
        address = IPAddress.None;
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c) && c is not '.' and not ':')
            {
                return false; // no scope ids, no names
            }
        }
        return !text.IsEmpty && IPAddress.TryParse(text, out address!) && (v4 ? text.Count('.') == 3 && !text.Contains(':') : text.Contains(':'));
    }

    private static bool TryPort(ReadOnlySpan<char> text, out int port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5 || text.Length > 1 && text[0] == '0')
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }
}
