namespace Tcplb.Net;

/// <summary>How the bytes a client sent first stand as a TLS ClientHello.</summary>
internal enum HelloStatus
{
    /// <summary>So far a ClientHello, but not all of it is held yet.</summary>
    Incomplete,

    /// <summary>A whole, well-formed ClientHello is held.</summary>
    Complete,

    /// <summary>Not TLS, or a ClientHello no TLS stack would send: more bytes will not change that.</summary>
    Invalid,
}

/// <summary>
/// Finds the server name (RFC 6066 §3) in a TLS ClientHello (RFC 8446 §4.1.2, and TLS 1.0 to 1.2, whose
/// extensions are optional), read in place from the bytes a client sent first, across as many records as carry
/// it. Allocates nothing and never throws: every length is checked against its enclosing structure and against
/// the bytes held. With Encrypted Client Hello the name found is the outer, public one, as it should be for
/// routing: the inner hello is for the server.
/// </summary>
internal static class ClientHello
{
    /// <summary>Room a caller gives for the name: the longest DNS name.</summary>
    public const int MaxNameLength = 255;

    private const int ClientHelloType = 1;
    private const int ServerNameExtension = 0;
    private const int HostNameType = 0;

    /// <summary>Whether the held bytes hold a whole ClientHello, looking at record headers and lengths only: cheap enough to ask after every receive.</summary>
    public static HelloStatus Check(ReadOnlySpan<byte> held)
    {
        var reader = new HandshakeReader(held);
        if (!reader.ReadByte(out var type))
        {
            return Stopped(reader);
        }
        if (type != ClientHelloType)
        {
            return HelloStatus.Invalid;
        }
        return reader.Read(3, out var length) && reader.Skip(length) ? HelloStatus.Complete : Stopped(reader);
    }

    /// <summary>
    /// Reads the ClientHello as far as the held bytes go. The host name, lower case and without a trailing dot,
    /// goes into <paramref name="name"/> (<see cref="MaxNameLength"/> characters) and its length into
    /// <paramref name="nameLength"/>: 0 when the hello has none, or none was held. It is set for an
    /// <see cref="HelloStatus.Incomplete"/> hello too, when the part held holds it; never for an invalid one.
    /// </summary>
    public static HelloStatus Read(ReadOnlySpan<byte> held, Span<char> name, out int nameLength)
    {
        nameLength = 0;
        var reader = new HandshakeReader(held);
        if (ReadHello(ref reader, name, ref nameLength))
        {
            return HelloStatus.Complete;
        }
        var status = Stopped(reader);
        if (status == HelloStatus.Invalid)
        {
            nameLength = 0;
        }
        return status;
    }

    private static HelloStatus Stopped(in HandshakeReader reader) => reader.Invalid ? HelloStatus.Invalid : HelloStatus.Incomplete;

    private static bool ReadHello(ref HandshakeReader reader, Span<char> name, ref int nameLength)
    {
        if (!reader.ReadByte(out var type))
        {
            return false;
        }
        if (type != ClientHelloType)
        {
            return reader.Reject();
        }
        if (!reader.Read(3, out var left) || !Read(ref reader, ref left, 2, out var version))
        {
            return false;
        }
        if (version >> 8 != 3)
        {
            return reader.Reject();
        }
        if (!Skip(ref reader, ref left, 32) // random
            || !SkipVector(ref reader, ref left, lengthBytes: 1, min: 0, max: 32, unit: 1) // legacy_session_id
            || !SkipVector(ref reader, ref left, lengthBytes: 2, min: 2, max: 65534, unit: 2) // cipher_suites
            || !SkipVector(ref reader, ref left, lengthBytes: 1, min: 1, max: 255, unit: 1)) // legacy_compression_methods
        {
            return false;
        }
        if (left == 0)
        {
            return true; // a TLS 1.2 hello may end here, without extensions
        }
        if (!Read(ref reader, ref left, 2, out var extensionsLength))
        {
            return false;
        }
        if (extensionsLength != left)
        {
            return reader.Reject();
        }
        var sawServerName = false;
        while (left > 0)
        {
            if (!NextEntry(ref reader, ref left, typeBytes: 2, minLength: 0, ServerNameExtension, out var length, out var isServerName))
            {
                return false;
            }
            if (!isServerName)
            {
                continue;
            }
            // At most one of each extension (RFC 8446 §4.2): a second name could route one way and be served another.
            if (sawServerName)
            {
                return reader.Reject();
            }
            sawServerName = true;
            if (!ReadServerNames(ref reader, length, name, ref nameLength))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The server_name extension's list; keeps its host name, skips names of other types.</summary>
    private static bool ReadServerNames(ref HandshakeReader reader, int left, Span<char> name, ref int nameLength)
    {
        if (!Read(ref reader, ref left, 2, out var listLength))
        {
            return false;
        }
        if (listLength == 0 || listLength != left)
        {
            return reader.Reject();
        }
        while (left > 0)
        {
            if (!NextEntry(ref reader, ref left, typeBytes: 1, minLength: 1, HostNameType, out var length, out var isHostName))
            {
                return false;
            }
            if (!isHostName)
            {
                continue;
            }
            // One host name at most (RFC 6066 §3), as long as a DNS name at most.
            if (nameLength > 0 || length > MaxNameLength || length > name.Length)
            {
                return reader.Reject();
            }
            for (var i = 0; i < length; i++)
            {
                if (!reader.ReadByte(out var b))
                {
                    return false;
                }
                if (!char.IsAsciiLetterOrDigit((char)b) && b is not '-' and not '.' and not '_')
                {
                    return reader.Reject();
                }
                name[i] = char.ToLowerInvariant((char)b);
            }
            nameLength = name[length - 1] == '.' ? length - 1 : length;
            if (nameLength == 0)
            {
                return reader.Reject();
            }
        }
        return true;
    }

    /// <summary>
    /// Reads the next entry of a list (an extension, a server name): its type, of <paramref name="typeBytes"/>
    /// bytes, and the 16-bit length of its value, which must lie within the <paramref name="left"/> bytes of the
    /// list. An entry of the <paramref name="wanted"/> type is left for the caller to read (<paramref name="found"/>);
    /// any other is stepped over.
    /// </summary>
    private static bool NextEntry(ref HandshakeReader reader, ref int left, int typeBytes, int minLength, int wanted, out int length, out bool found)
    {
        found = false;
        length = 0;
        if (!Read(ref reader, ref left, typeBytes, out var type) || !Read(ref reader, ref left, 2, out length))
        {
            return false;
        }
        if (length < minLength || length > left)
        {
            return reader.Reject();
        }
        left -= length;
        found = type == wanted;
        return found || reader.Skip(length);
    }

    /// <summary>Reads a number of <paramref name="bytes"/> bytes that must lie within the <paramref name="left"/> bytes of its structure.</summary>
    private static bool Read(ref HandshakeReader reader, ref int left, int bytes, out int value)
    {
        value = 0;
        if (bytes > left)
        {
            return reader.Reject();
        }
        left -= bytes;
        return reader.Read(bytes, out value);
    }

    private static bool Skip(ref HandshakeReader reader, ref int left, int count)
    {
        if (count > left)
        {
            return reader.Reject();
        }
        left -= count;
        return reader.Skip(count);
    }

    /// <summary>Steps over a vector: a length of <paramref name="lengthBytes"/> bytes within its bounds and a multiple of <paramref name="unit"/>, then that many bytes.</summary>
    private static bool SkipVector(ref HandshakeReader reader, ref int left, int lengthBytes, int min, int max, int unit)
    {
        if (!Read(ref reader, ref left, lengthBytes, out var length))
        {
            return false;
        }
        if (length < min || length > max || length % unit != 0)
        {
            return reader.Reject();
        }
        return Skip(ref reader, ref left, length);
    }
}
