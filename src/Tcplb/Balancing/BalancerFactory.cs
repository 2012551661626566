using Tcplb.Cli;

namespace Tcplb.Balancing;

internal static class BalancerFactory
{
    public static IBalancer Create(BalancePolicy policy, Random random) => policy switch
    {
        BalancePolicy.RoundRobin => new RoundRobinBalancer(),
        BalancePolicy.LeastConn => new LeastConnBalancer(),
        BalancePolicy.Random2 => new RandomTwoBalancer(random),
        BalancePolicy.SourceHash => new SourceHashBalancer(),
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };
}
