using Tcplb.Configuration;
using Tcplb.SharedState;

namespace Tcplb.Balancing;

/// <summary>Makes the policy that <c>--balance</c> names.</summary>
internal static class BalancePolicies
{
    /// <param name="turns">The pool's round-robin turn (round robin, and least-conn's ties), shared by the worker processes.</param>
    public static IBalancePolicy Create(BalancePolicy policy, Random random, RouteState turns) => policy switch
    {
        BalancePolicy.RoundRobin => new RoundRobinPolicy(turns),
        BalancePolicy.LeastConn => new LeastConnPolicy(turns),
        BalancePolicy.Random2 => new RandomTwoPolicy(random),
        BalancePolicy.SourceHash => new SourceHashPolicy(),
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };
}
