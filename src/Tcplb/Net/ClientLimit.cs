using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Infrastructure;

namespace Tcplb.Net;

/// <summary>
/// <c>--max-conns-per-client</c>: how many connections each client address holds (an IPv4 address, or an IPv6
/// /64, which one host usually has whole), so that one client cannot take every slot. A table with an entry per
/// address that holds a connection: the entry goes with its last connection, so however many addresses a flood
/// comes from, the table is as large as the most connections open at once (bounded by <c>--max-conns</c>), and
/// once grown it allocates nothing. Open addressing with linear probing, removal by backward shift (no
/// tombstones), behind a lock held for a few dozen instructions per accept and per close.
/// </summary>
internal sealed class ClientLimit(int limit, Log log, TimeProvider time)
{
    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly LogThrottle _warning = new(time, WarningInterval);
    private Entry[] _entries = new Entry[64];
    private int _count;

    /// <summary>Addresses that hold a connection now.</summary>
    public int Clients => Volatile.Read(ref _count);

    /// <summary>Counts a new connection of client <paramref name="key"/>; false (and nothing counted) when it holds the limit already.</summary>
    public bool TryEnter(ClientKey key)
    {
        bool entered;
        lock (_lock)
        {
            var index = Find(key);
            if (index < 0)
            {
                if ((_count + 1) * 2 > _entries.Length)
                {
                    Grow();
                }
                _entries[~Find(key)] = new Entry(key, 1);
                Volatile.Write(ref _count, _count + 1);
                entered = true;
            }
            else if (entered = _entries[index].Connections < limit)
            {
                _entries[index].Connections++;
            }
        }
        if (!entered && _warning.TryPass())
        {
            log.Warn("client over its connection limit; its new connections are reset", ("client", key), ("limit", limit),
                ("next_log_in", WarningInterval));
        }
        return entered;
    }

    /// <summary>Uncounts a connection that <see cref="TryEnter"/> counted; the address's entry goes with its last.</summary>
    public void Leave(ClientKey key)
    {
        lock (_lock)
        {
            var index = Find(key);
            if (index >= 0 && --_entries[index].Connections == 0)
            {
                RemoveAt(index);
            }
        }
    }

    /// <summary>The slot of <paramref name="key"/>, or the complement of the empty slot where it would go.</summary>
    private int Find(ClientKey key)
    {
        var mask = _entries.Length - 1;
        for (var i = key.Hash & mask; ; i = (i + 1) & mask)
        {
            if (_entries[i].Connections == 0)
            {
                return ~i;
            }
            if (_entries[i].Key == key)
            {
                return i;
            }
        }
    }

    /// <summary>Backward-shift deletion: later entries of the same run move up, so that every lookup still finds them.</summary>
    private void RemoveAt(int hole)
    {
        var mask = _entries.Length - 1;
        for (var i = (hole + 1) & mask; _entries[i].Connections > 0; i = (i + 1) & mask)
        {
            var home = _entries[i].Key.Hash & mask;
            // Move entry i into the hole unless its home lies cyclically in (hole, i].
            if (((i - home) & mask) >= ((i - hole) & mask))
            {
                _entries[hole] = _entries[i];
                hole = i;
            }
        }
        _entries[hole] = default;
        Volatile.Write(ref _count, _count - 1);
    }

    private void Grow()
    {
        var old = _entries;
        _entries = new Entry[old.Length * 2];
        foreach (var entry in old)
        {
            if (entry.Connections > 0)
            {
                _entries[~Find(entry.Key)] = entry;
            }
        }
    }

    /// <summary>A slot of the table: empty while <see cref="Connections"/> is 0.</summary>
    private record struct Entry(ClientKey Key, int Connections);
}

/// <summary>A client address as the per-client limit counts it: an IPv4 address, or the /64 of an IPv6 one.</summary>
internal readonly record struct ClientKey(ulong Value, bool IsIPv4)
{
    internal int Hash => (int)(Hashing.Mix(Value ^ (IsIPv4 ? 0x9E3779B97F4A7C15UL : 0)) & int.MaxValue);

    /// <summary>The key of a client's address (an IPv4 client of the dual-stack listener counts as IPv4). Allocates nothing.</summary>
    public static ClientKey Of(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return new ClientKey(0, true);
        }
        if (written == 4)
        {
            return new ClientKey(ReadUInt32(bytes), true);
        }
        return address.IsIPv4MappedToIPv6
            ? new ClientKey(ReadUInt32(bytes[12..]), true)
            : new ClientKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), false);
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32BigEndian(bytes);

    /// <summary>For the log: <c>192.0.2.7</c> or <c>2001:db8:1:2::/64</c>.</summary>
    public override string ToString()
    {
        if (IsIPv4)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)Value);
            return new IPAddress(v4).ToString();
        }
        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(v6, Value);
        return new IPAddress(v6) + "/64";
    }
}
