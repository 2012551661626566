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

    public Backend Pick(Candidates available, ulong clientHash)
    {
        var start = (int)(Interlocked.Increment(ref _turn) % (uint)available.Length);
        var best = start;
        for (var i = 1; i < available.Length; i++)
        {
            var candidate = (start + i) % available.Length;
            // a/wa < b/wb, compared without division.
            if (available[candidate].State.Active * available.Weight(best) < available[best].State.Active * available.Weight(candidate))
            {
                best = candidate;
            }
        }
        return available[best];
    }
}
