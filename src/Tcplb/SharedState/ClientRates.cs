namespace Tcplb.SharedState;

/// <summary>
/// New connections per second per client address across every worker (<c>--max-conn-rate-per-client</c>), in the
/// shared table: the generic cell rate algorithm, one timestamp per address (when its next connection is due,
/// its burst spent), so an entry needs no refill and no removal. An address looks in a window of
/// <see cref="Window"/> places from its home; a new one takes a free place, else the place of the address seen
/// longest ago, whose history it drops: a flood from more addresses than the table holds is limited less, never
/// refused for lack of room. Behind one lock, held for a few dozen instructions per accept.
/// </summary>
internal readonly unsafe struct ClientRates(StateTable table)
{
    /// <summary>Addresses the table holds (a power of two).</summary>
    public const int Capacity = 1 << 16;

    public const int Window = 16;

    private StateLayout Layout => table.Layout;

    /// <summary>
    /// Admits a new connection of the client at <paramref name="now"/> when at most <paramref name="burst"/> came
    /// within the last <paramref name="burst"/> intervals of <paramref name="intervalTicks"/> (its rate).
    /// </summary>
    public bool TryAdmit(ulong key, bool isIPv4, long now, long intervalTicks, int burst)
    {
        using (SharedLock.Hold(&Layout.Header->RatesLock))
        {
            var entry = Find(key, isIPv4 ? 1 : 0, now);
            var due = Math.Max(entry->Due, now);
            if (due - now > intervalTicks * (burst - 1))
            {
                return false;
            }
            entry->Due = due + intervalTicks;
            return true;
        }
    }

    /// <summary>The key's entry; a new one (due now) in the first free place of its window, or in the place of the address seen longest ago.</summary>
    private RateEntry* Find(ulong key, int isIPv4, long now)
    {
        var mask = Layout.Shape.Rates - 1;
        var home = ClientCounts.Home(key, isIPv4 != 0, mask);
        RateEntry* oldest = null;
        for (var i = 0; i < Window; i++)
        {
            var entry = Layout.Rate((home + i) & mask);
            if (entry->InUse == 0)
            {
                oldest = entry;
                break; // entries are never removed: nothing of this key lies beyond a free place
            }
            if (entry->Key == key && entry->IsIPv4 == isIPv4)
            {
                return entry;
            }
            if (oldest is null || entry->Due < oldest->Due)
            {
                oldest = entry;
            }
        }
        *oldest = new RateEntry { Key = key, IsIPv4 = isIPv4, InUse = 1, Due = now };
        return oldest;
    }
}
