using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>A load-balancing policy: which server gets the next connection.</summary>
/// <remarks>Called concurrently from many connections; implementations are thread-safe and allocate nothing.</remarks>
internal interface IBalancePolicy
{
    /// <summary>Picks one of <paramref name="available"/>, which is never empty and holds only servers not in cooldown and not full.</summary>
    /// <param name="clientHash">A hash of the client's IP address (0 unless the policy is <see cref="SourceHashPolicy"/>).</param>
    Backend Pick(Candidates available, ulong clientHash);
}
