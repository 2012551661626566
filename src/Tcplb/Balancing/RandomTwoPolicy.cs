using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>
/// Power of two choices: two distinct servers drawn at random (weighted by nothing), the one with fewer
/// active connections per weight wins. Nearly as even as least-conn, with no herd on the emptiest server.
/// </summary>
internal sealed class RandomTwoPolicy(Random random) : IBalancePolicy
{
    public Backend Pick(Candidates available, ulong clientHash)
    {
        if (available.Length == 1)
        {
            return available[0];
        }
        var first = random.Next(available.Length);
        var second = random.Next(available.Length - 1);
        if (second >= first)
        {
            second++;
        }
        var (a, b) = (available[first], available[second]);
        return b.State.Active * available.Weight(first) < a.State.Active * available.Weight(second) ? b : a;
    }
}
