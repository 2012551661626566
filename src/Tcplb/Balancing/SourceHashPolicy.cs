using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>
/// Consistent hashing on the client address by rendezvous (highest random weight) hashing: each client goes
/// to the server with the highest score of hash(client, server). Adding a server to N moves only the ~1/(N+1)
/// of clients it now wins; removing one moves only its own clients. Weights scale the score logarithmically.
/// A slow start does not apply: a client's server depends on the hosts-file weights alone, so that it stays put.
/// </summary>
internal sealed class SourceHashPolicy : IBalancePolicy
{
    public Backend Pick(Candidates available, ulong clientHash)
    {
        var best = available[0];
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < available.Length; i++)
        {
            var server = available[i];
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
