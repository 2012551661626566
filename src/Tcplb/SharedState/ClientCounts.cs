namespace Tcplb.SharedState;

/// <summary>
/// Connections per client address across every worker (<c>--max-conns-per-client</c>), in the shared table: open
/// addressing with linear probing, removal by backward shift (no tombstones), behind one lock held for a few
/// dozen instructions per accept and per close. An entry lives while its address holds a connection, and keeps
/// a count per worker so that a dead worker's connections can be given back.
/// </summary>
/// <remarks>
/// The table has room for twice the connections the group can hold (<see cref="CapacityFor"/>), so it fills only
/// if that bound is broken; a full table refuses new addresses (<see cref="Entry.Full"/>) rather than let them in
/// uncounted.
/// </remarks>
internal readonly unsafe struct ClientCounts(StateTable table)
{
    public enum Entry
    {
        Entered,
        OverLimit,
        Full,
    }

    private StateLayout Layout => table.Layout;

    /// <summary>Addresses that hold a connection now.</summary>
    public int Clients => Volatile.Read(ref Layout.Header->ClientsUsed);

    /// <summary>Entries for <paramref name="connections"/> connections at most: a power of two, at least twice as many.</summary>
    public static int CapacityFor(long connections) => (int)Math.Min(1 << 30, Math.Max(64, System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)(2 * connections))));

    /// <summary>Counts a new connection of the client; not when it holds <paramref name="limit"/> already, or when the table is full.</summary>
    public Entry TryEnter(ulong key, bool isIPv4, int limit)
    {
        var header = Layout.Header;
        using (SharedLock.Hold(&Layout.Header->ClientsLock))
        {
            var index = Find(key, isIPv4);
            if (index >= 0)
            {
                var entry = Layout.Client(index);
                if (entry->Total >= limit)
                {
                    return Entry.OverLimit;
                }
                entry->Total++;
                CountsOf(entry)[table.Worker]++;
                return Entry.Entered;
            }
            if (index == int.MinValue || (header->ClientsUsed + 1) * 4L > Layout.Shape.Clients * 3L)
            {
                return Entry.Full;
            }
            var added = Layout.Client(~index);
            (added->Key, added->IsIPv4, added->Total) = (key, isIPv4 ? 1 : 0, 1);
            CountsOf(added)[table.Worker] = 1;
            header->ClientsUsed++;
            return Entry.Entered;
        }
    }

    /// <summary>Uncounts a connection that <see cref="TryEnter"/> counted; the entry goes with the address's last.</summary>
    public void Leave(ulong key, bool isIPv4)
    {
        using (SharedLock.Hold(&Layout.Header->ClientsLock))
        {
            var index = Find(key, isIPv4);
            if (index < 0)
            {
                return;
            }
            var entry = Layout.Client(index);
            CountsOf(entry)[table.Worker]--;
            if (--entry->Total == 0)
            {
                RemoveAt(index);
            }
        }
    }

    /// <summary>Uncounts every connection of worker <paramref name="worker"/>, which has ended.</summary>
    public void ReleaseWorker(int worker)
    {
        using (SharedLock.Hold(&Layout.Header->ClientsLock))
        {
            for (var i = 0; i < Layout.Shape.Clients;)
            {
                var entry = Layout.Client(i);
                var held = entry->Total > 0 ? CountsOf(entry)[worker] : 0;
                if (held > 0)
                {
                    CountsOf(entry)[worker] = 0;
                    if ((entry->Total -= held) <= 0)
                    {
                        RemoveAt(i);
                        continue; // an entry may have moved into this slot
                    }
                }
                i++;
            }
        }
    }

    /// <summary>The index of the key's entry; else the complement of the free slot where it would go; <see cref="int.MinValue"/> when full.</summary>
    private int Find(ulong key, bool isIPv4)
    {
        var mask = Layout.Shape.Clients - 1;
        var flag = isIPv4 ? 1 : 0;
        for (int probes = 0, i = Home(key, isIPv4, mask); probes <= mask; probes++, i = (i + 1) & mask)
        {
            var entry = Layout.Client(i);
            if (entry->Total == 0)
            {
                return ~i;
            }
            if (entry->Key == key && entry->IsIPv4 == flag)
            {
                return i;
            }
        }
        return int.MinValue;
    }

    /// <summary>Backward-shift deletion: later entries of the same run move up, so that every lookup still finds them.</summary>
    private void RemoveAt(int hole)
    {
        var mask = Layout.Shape.Clients - 1;
        var bytes = Layout.ClientEntryBytes;
        for (var i = (hole + 1) & mask; Layout.Client(i)->Total > 0; i = (i + 1) & mask)
        {
            var entry = Layout.Client(i);
            var home = Home(entry->Key, entry->IsIPv4 != 0, mask);
            // Move entry i into the hole unless its home lies cyclically in (hole, i].
            if (((i - home) & mask) >= ((i - hole) & mask))
            {
                Buffer.MemoryCopy(entry, Layout.Client(hole), bytes, bytes);
                hole = i;
            }
        }
        new Span<byte>(Layout.Client(hole), bytes).Clear();
        Layout.Header->ClientsUsed--;
    }

    private static int* CountsOf(ClientEntry* entry) => (int*)(entry + 1);

    /// <summary>Where a client address's entry would stand in a table of <paramref name="mask"/> + 1 places (also <see cref="ClientRates"/>').</summary>
    internal static int Home(ulong key, bool isIPv4, int mask) => (int)(((key ^ (isIPv4 ? 0x9E3779B97F4A7C15UL : 0)) * 0xBF58476D1CE4E5B9UL >> 32) & (uint)mask);
}
