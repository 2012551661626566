using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tcplb.Infrastructure;
using Tcplb.SharedState;

namespace Tcplb.Net;

/// <summary>
/// <c>--max-conns-per-client</c>: how many connections each client address holds (an IPv4 address, or an IPv6
/// /64, which one host usually has whole), so that one client cannot take every slot. Counted for the whole
/// group of worker processes in the shared table (<see cref="ClientCounts"/>): one address gets the limit in
/// total, whichever workers accept its connections.
/// </summary>
internal sealed class ClientLimit(int limit, StateTable table, Log log, TimeProvider time)
{
    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly LogThrottle _warning = new(time, WarningInterval);
    private readonly ClientCounts _counts = new(table);

    /// <summary>A limit counted in a table of its own (tests), with room for <paramref name="connections"/> connections.</summary>
    public ClientLimit(int limit, Log log, TimeProvider time, int connections = 10_000)
        : this(limit, StateTable.Private(clients: ClientCounts.CapacityFor(connections)), log, time)
    {
    }

    /// <summary>Addresses that hold a connection now, in every worker.</summary>
    public int Clients => _counts.Clients;

    /// <summary>Counts a new connection of client <paramref name="key"/>; false (and nothing counted) when it holds the limit already.</summary>
    public bool TryEnter(ClientKey key)
    {
        var entry = _counts.TryEnter(key.Value, key.IsIPv4, limit);
        if (entry != ClientCounts.Entry.Entered && _warning.TryPass())
        {
            if (entry == ClientCounts.Entry.Full)
            {
                log.Warn("client table full; new client addresses are reset", ("client", key), ("next_log_in", WarningInterval));
            }
            else
            {
                log.Warn("client over its connection limit; its new connections are reset", ("client", key), ("limit", limit),
                    ("next_log_in", WarningInterval));
            }
        }
        return entry == ClientCounts.Entry.Entered;
    }

    /// <summary>Uncounts a connection that <see cref="TryEnter"/> counted.</summary>
    public void Leave(ClientKey key) => _counts.Leave(key.Value, key.IsIPv4);
}

/// <summary>
/// <c>--max-conn-rate-per-client</c>: new connections per second from one client address (IPv4, or IPv6 /64), with
/// a burst of as many, for the whole group of workers (<see cref="ClientRates"/>).
/// </summary>
internal sealed class ClientRate(int perSecond, StateTable table, Log log, TimeProvider time)
{
    private readonly LogThrottle _warning = new(time, TimeSpan.FromSeconds(1));
    private readonly ClientRates _rates = new(table);
    private readonly long _intervalTicks = Math.Max(1, time.TimestampFrequency / perSecond);

    /// <summary>Admits a new connection of client <paramref name="key"/>; false when it is over its rate.</summary>
    public bool TryAdmit(ClientKey key)
    {
        if (_rates.TryAdmit(key.Value, key.IsIPv4, time.GetTimestamp(), _intervalTicks, perSecond))
        {
            return true;
        }
        if (_warning.TryPass())
        {
            log.Warn("client over its connection rate; its new connections are reset", ("client", key), ("rate", perSecond));
        }
        return false;
    }
}

/// <summary>A client address as the per-client limit counts it: an IPv4 address, or the /64 of an IPv6 one.</summary>
internal readonly record struct ClientKey(ulong Value, bool IsIPv4)
{
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
