using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>
/// Fewest active connections relative to weight; ties go round robin, so an idle pool still spreads
/// connections instead of sending them all to the first server.
/// </summary>
/// <param name="firstTurn">Where the turns start: worker processes each start at their own index, so that together they spread from the first connection.</param>
internal sealed class LeastConnPolicy(uint firstTurn = 0) : IBalancePolicy
{
    private uint _turn = firstTurn - 1;

    public Backend Pick(ReadOnlySpan<Backend> available, ulong clientHash)
    {
        var start = (int)(Interlocked.Increment(ref _turn) % (uint)available.Length);
        var best = available[start];
        for (var i = 1; i < available.Length; i++)
        {
            var candidate = available[(start + i) % available.Length];
            // a/wa < b/wb, compared without division.
            if ((long)candidate.State.Active * best.Weight < (long)best.State.Active * candidate.Weight)
            {
                best = candidate;
            }
        }
        return best;
    }
}
