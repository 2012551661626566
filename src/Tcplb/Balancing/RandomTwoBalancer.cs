using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>
/// Power of two choices: two distinct servers drawn at random (weighted by nothing), the one with fewer
/// active connections per weight wins. Nearly as even as least-conn, with no herd on the emptiest server.
/// </summary>
internal sealed class RandomTwoBalancer(Random random) : IBalancer
{
    public Backend Pick(ReadOnlySpan<Backend> available, ulong clientHash)
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
        var a = available[first];
        var b = available[second];
        return (long)b.Active * a.Weight < (long)a.Active * b.Weight ? b : a;
    }
}
