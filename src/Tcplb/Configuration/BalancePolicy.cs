namespace Tcplb.Configuration;

/// <summary>The <c>--balance</c> choice: which policy picks the server for each new connection.</summary>
internal enum BalancePolicy
{
    RoundRobin,
    LeastConn,
    Random2,
    SourceHash,
}

/// <summary>The names users write for each <see cref="BalancePolicy"/>, in both directions.</summary>
internal static class BalancePolicyNames
{
    private static readonly (string Name, BalancePolicy Policy)[] All =
    [
        ("round-robin", BalancePolicy.RoundRobin),
        ("least-conn", BalancePolicy.LeastConn),
        ("random2", BalancePolicy.Random2),
        ("source-hash", BalancePolicy.SourceHash),
    ];

    /// <summary>The names, comma-separated, for messages.</summary>
    public static string List => string.Join(", ", Array.ConvertAll(All, p => p.Name));

    public static bool TryParse(string name, out BalancePolicy policy)
    {
        foreach (var (known, value) in All)
        {
            if (known == name)
            {
                policy = value;
                return true;
            }
        }
        policy = default;
        return false;
    }

    public static string Of(BalancePolicy policy) => Array.Find(All, p => p.Policy == policy).Name;
}
