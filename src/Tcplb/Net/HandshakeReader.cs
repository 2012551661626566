namespace Tcplb.Net;

/// <summary>
/// Reads the handshake messages a TLS client sends first, in order across the records that carry them, in
/// place: each record header is checked and stepped over, and nothing is copied but what the caller reads.
/// Every length is checked against the bytes actually held; a read that would go past them fails with
/// <see cref="Truncated"/> set, one that meets a record that cannot start a TLS handshake with <see cref="Invalid"/>.
/// </summary>
/// <remarks>A mutable ref struct over the held bytes: pass it by reference, never copy it.</remarks>
internal ref struct HandshakeReader(ReadOnlySpan<byte> held)
{
    /// <summary>Records more than this for one ClientHello are a flood, not a client: 128 records of 512 bytes fill a 64 KiB window.</summary>
    public const int MaxRecords = 128;

    private const byte HandshakeRecord = 22;
    private const int RecordHeaderLength = 5;
    private const int MaxFragmentLength = 16384; // RFC 8446 §5.1: 2^14

    private readonly ReadOnlySpan<byte> _held = held;
    private int _next;
    private int _fragmentLeft;
    private int _records;

    /// <summary>The held bytes ended before the read did: more may come.</summary>
    public bool Truncated { get; private set; }

    /// <summary>The bytes are not TLS handshake records (or too many of them): no more will help.</summary>
    public bool Invalid { get; private set; }

    public bool ReadByte(out int value)
    {
        value = 0;
        if (!NextFragment())
        {
            return false;
        }
        value = _held[_next++];
        _fragmentLeft--;
        return true;
    }

    /// <summary>Reads a big-endian number of <paramref name="bytes"/> bytes (1 to 3).</summary>
    public bool Read(int bytes, out int value)
    {
        value = 0;
        for (var i = 0; i < bytes; i++)
        {
            if (!ReadByte(out var b))
            {
                return false;
            }
            value = value << 8 | b;
        }
        return true;
    }

    /// <summary>Steps over <paramref name="count"/> handshake bytes, record by record.</summary>
    public bool Skip(int count)
    {
        while (count > 0)
        {
            if (!NextFragment())
            {
                return false;
            }
            var step = Math.Min(count, Math.Min(_fragmentLeft, _held.Length - _next));
            _next += step;
            _fragmentLeft -= step;
            count -= step;
        }
        return true;
    }

    /// <summary>Marks the handshake as not well-formed (the caller found a length or a value it cannot be); returns false.</summary>
    public bool Reject() => Fail(invalid: true);

    /// <summary>Makes sure a held byte of the current record's fragment is next, stepping over a record header if need be.</summary>
    private bool NextFragment()
    {
        if (Invalid)
        {
            return false;
        }
        if (_fragmentLeft == 0)
        {
            // The type and the major version are checked as soon as they are held, so that a client speaking
            // another protocol is known by its first bytes.
            var header = _held[_next..];
            if (header.Length > 0 && header[0] != HandshakeRecord || header.Length > 1 && header[1] != 3)
            {
                return Fail(invalid: true);
            }
            if (header.Length < RecordHeaderLength)
            {
                return Fail(invalid: false);
            }
            var length = header[3] << 8 | header[4];
            if (length is 0 or > MaxFragmentLength || ++_records > MaxRecords)
            {
                return Fail(invalid: true);
            }
            _next += RecordHeaderLength;
            _fragmentLeft = length;
        }
        return _next < _held.Length || Fail(invalid: false);
    }

    private bool Fail(bool invalid)
    {
        Invalid |= invalid;
        Truncated |= !invalid;
        return false;
    }
}
