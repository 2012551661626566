using Tcplb.Configuration;

namespace Tcplb.Balancing;

/// <summary>Makes the policy that <c>--balance</c> names.</summary>
internal static class BalancePolicies
{
    /// <param name="worker">The worker process's index (0 for a single process): round robin and least-conn ties start there.</param>
    public static IBalancePolicy Create(BalancePolicy policy, Random random, int worker = 0) => policy switch
    {
        BalancePolicy.RoundRobin => new RoundRobinPolicy((uint)worker),
        BalancePolicy.LeastConn => new LeastConnPolicy((uint)worker),
        BalancePolicy.Random2 => new RandomTwoPolicy(random),
        BalancePolicy.SourceHash => new SourceHashPolicy(),
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };
}
