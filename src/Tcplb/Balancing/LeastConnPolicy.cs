using Tcplb.Backends;
using Tcplb.SharedState;

namespace Tcplb.Balancing;

/// <summary>
/// Fewest active connections relative to weight, counted over every worker process; ties go round robin (the
/// pool's shared turn), so an idle pool still spreads connections instead of sending them all to the first server.
/// </summary>
internal sealed class LeastConnPolicy(RouteState turns) : IBalancePolicy
{
    public LeastConnPolicy() : this(new RouteState())
    {
    }

    public Backend Pick(Candidates available, ulong clientHash)
    {
        var start = (int)(turns.NextTurn() % (uint)available.Length);
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
