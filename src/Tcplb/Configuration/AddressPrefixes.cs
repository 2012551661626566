using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tcplb.Configuration;

/// <summary>
/// A set of IPv4 and IPv6 prefixes (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>, a bare address for one host), as
/// sorted, disjoint ranges of 128-bit addresses in which IPv4 is <c>::ffff:a.b.c.d</c>: an IPv4 client seen
/// through a dual-stack socket and the same client over IPv4 are one key. A lookup is one binary search and
/// allocates nothing: 14 steps for 10,000 prefixes, however they overlap.
/// </summary>
/// <remarks>Immutable once parsed; read from any thread.</remarks>
internal sealed class AddressPrefixes
{
    private static readonly UInt128 MappedIPv4 = (UInt128)0xFFFF << 32;

    private readonly UInt128[] _starts;
    private readonly UInt128[] _ends;

    private AddressPrefixes(UInt128[] starts, UInt128[] ends, int count)
    {
        _starts = starts;
        _ends = ends;
        Count = count;
    }

    /// <summary>The prefixes listed (before overlapping ones were merged).</summary>
    public int Count { get; }

    /// <summary>Parses <c>CIDR[,CIDR…]</c>; a bad one throws the option, the value and the expected form.</summary>
    public static AddressPrefixes Parse(string text, string what)
    {
        var ranges = new List<(UInt128 Start, UInt128 End)>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            ranges.Add(ParseOne(item) ?? throw new ConfigException(
                $"{what}: '{HostsFile.Printable(item)}' is not an IPv4 or IPv6 address or prefix (such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32)"));
        }
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        var starts = new List<UInt128>();
        var ends = new List<UInt128>();
        foreach (var (start, end) in ranges)
        {
            if (ends.Count > 0 && (ends[^1] == UInt128.MaxValue || start <= ends[^1] + 1))
            {
                ends[^1] = UInt128.Max(ends[^1], end); // overlapping or adjacent: one range
                continue;
            }
            starts.Add(start);
            ends.Add(end);
        }
        return new AddressPrefixes([.. starts], [.. ends], ranges.Count);
    }

    public bool Contains(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return false;
        }
        return Contains(written == 4 ? MappedIPv4 | BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    /// <summary>Whether <paramref name="key"/> (an IPv6 address, or IPv4 as <c>::ffff:a.b.c.d</c>) is in a range.</summary>
    public bool Contains(UInt128 key)
    {
        // The last range that starts at or before the key holds it, or none does.
        int low = 0, high = _starts.Length - 1;
        while (low <= high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            if (_starts[middle] <= key)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return high >= 0 && key <= _ends[high];
    }

    private static (UInt128 Start, UInt128 End)? ParseOne(string item)
    {
        var slash = item.IndexOf('/');
        var addressText = slash < 0 ? item : item[..slash];
        // IPAddress.TryParse also takes '10.1' and '10' as IPv4; only the dotted quad is a prefix here.
        if (!IPAddress.TryParse(addressText, out var address) ||
            address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3 ||
            address.AddressFamily == AddressFamily.InterNetworkV6 && (address.ScopeId != 0 || !addressText.Contains(':')))
        {
            return null;
        }
        var isIPv4 = address.AddressFamily == AddressFamily.InterNetwork;
        var maxLength = isIPv4 ? 32 : 128;
        var length = maxLength;
        if (slash >= 0 && !(int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out length) && length <= maxLength))
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        var key = isIPv4 ? MappedIPv4 | BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
        var hostBits = (isIPv4 ? 32 : 128) - length;
        var hostMask = hostBits == 0 ? UInt128.Zero : UInt128.MaxValue >> (128 - hostBits);
        return (key & ~hostMask, key | hostMask); // host bits written in the prefix are ignored, as HAProxy and nginx do
    }
}
