using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>
/// Room for one pick's candidates and their slow-start ramps, one set per thread: a pick runs start to end on
/// one thread, and a set per session instead would cost every held connection room for the whole server list.
/// It grows with the server list, then stays.
/// </summary>
internal static class PickScratch
{
    [ThreadStatic]
    private static Backend[]? t_candidates;

    [ThreadStatic]
    private static int[]? t_ramps;

    public static Span<Backend> Candidates(int count) => Room(ref t_candidates, count);

    public static Span<int> Ramps(int count) => Room(ref t_ramps, count);

    private static Span<T> Room<T>(ref T[]? array, int count)
    {
        if (array is null || array.Length < count)
        {
            array = new T[Math.Max(count, Math.Max(4, (array?.Length ?? 0) * 2))];
        }
        return array.AsSpan(0, count);
    }
}
