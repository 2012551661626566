namespace Tcplb.Backends;

/// <summary>
/// How long a failed server is avoided: the base cooldown after the first failure, doubling with each
/// further one, capped at five minutes (or the base, if that is longer), as Envoy's outlier ejection does.
/// </summary>
internal static class Cooldown
{
    public static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    public static TimeSpan After(int consecutiveFailures, TimeSpan baseCooldown)
    {
        var cap = baseCooldown > Cap ? baseCooldown : Cap;
        var doublings = Math.Clamp(consecutiveFailures - 1, 0, 30);
        var ticks = baseCooldown.Ticks * (double)(1L << doublings);
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }
}
