using Tcplb.Backends;
using Tcplb.SharedState;

namespace Tcplb.Balancing;

/// <summary>
/// Weighted round robin: each server takes <c>weight</c> consecutive turns out of every <c>sum(weights)</c>. While a
/// server ramps up (slow start) its weight is fractional, so each turn then goes to the server its hashed turn
/// number falls on, in proportion to the weights: the same shares, without runs of a thousand turns.
/// </summary>
/// <param name="turns">The pool's turn, shared by the worker processes: the group serves clients in turn, as one balancer.</param>
internal sealed class RoundRobinPolicy(RouteState turns) : IBalancePolicy
{
    public RoundRobinPolicy() : this(new RouteState())
    {
    }

    public Backend Pick(Candidates available, ulong clientHash)
    {
        var turn = turns.NextTurn();
        var totalWeight = 0L;
        for (var i = 0; i < available.Length; i++)
        {
            totalWeight += available.Weight(i);
        }
        var slot = (long)((available.Ramping ? Hashing.Mix(turn) : turn) % (ulong)totalWeight);
        for (var i = 0; i < available.Length; i++)
        {
            slot -= available.Weight(i);
            if (slot < 0)
            {
                return available[i];
            }
        }
        return available[available.Length - 1];
    }
}
