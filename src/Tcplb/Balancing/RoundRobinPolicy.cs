using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>Weighted round robin: each server takes <c>weight</c> consecutive turns out of every <c>sum(weights)</c>.</summary>
internal sealed class RoundRobinPolicy : IBalancePolicy
{
    private uint _turn = uint.MaxValue;

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
