using Tcplb.Configuration;

namespace Tcplb.Balancing;

/// <summary>Makes the policy that <c>--balance</c> names.</summary>
internal static class BalancePolicies
{
    public static IBalancePolicy Create(BalancePolicy policy, Random random) => policy switch
    {
        BalancePolicy.RoundRobin => new RoundRobinPolicy(),
        BalancePolicy.LeastConn => new LeastConnPolicy(),
        BalancePolicy.Random2 => new RandomTwoPolicy(random),
        BalancePolicy.SourceHash => new SourceHashPolicy(),
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };
}
