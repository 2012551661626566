using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>Weighted round robin: each server takes <c>weight</c> consecutive turns out of every <c>sum(weights)</c>.</summary>
/// <param name="firstTurn">Where the turns start: worker processes each start at their own index, so that together they spread from the first connection.</param>
internal sealed class RoundRobinPolicy(uint firstTurn = 0) : IBalancePolicy
{
    private uint _turn = firstTurn - 1;

    public Backend Pick(ReadOnlySpan<Backend> available, ulong clientHash)
    {
        var turn = Interlocked.Increment(ref _turn);
        var totalWeight = 0L;
        foreach (var server in available)
        {
            totalWeight += server.Weight;
        }
        var slot = (long)(turn % (ulong)totalWeight);
        foreach (var server in available)
        {
            slot -= server.Weight;
            if (slot < 0)
            {
                return server;
            }
        }
        return available[^1];
    }
}
