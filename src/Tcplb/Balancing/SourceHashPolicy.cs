using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>
/// Consistent hashing on the client address by rendezvous (highest random weight) hashing: each client goes
/// to the server with the highest score of hash(client, server). Adding a server to N moves only the ~1/(N+1)
/// of clients it now wins; removing one moves only its own clients. Weights scale the score logarithmically.
/// </summary>
internal sealed class SourceHashPolicy : IBalancePolicy
{
    public Backend Pick(ReadOnlySpan<Backend> available, ulong clientHash)
    {
        var best = available[0];
        var bestScore = double.NegativeInfinity;
        foreach (var server in available)
        {
            var score = Score(Hashing.Mix(clientHash ^ server.Hash), server.Weight);
            if (score > bestScore)
            {
                best = server;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>Weighted rendezvous score -w/ln(u), u uniform in (0,1) from the hash.</summary>
    private static double Score(ulong hash, int weight)
    {
        var unit = ((hash >> 11) + 0.5) / (1UL << 53);
        return -weight / Math.Log(unit);
    }
}
