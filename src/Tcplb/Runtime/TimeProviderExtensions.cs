namespace Tcplb.Runtime;

internal static class TimeProviderExtensions
{
    /// <summary>A duration in the clock's own timestamp units, for comparing with <see cref="TimeProvider.GetTimestamp"/>.</summary>
    public static long Ticks(this TimeProvider time, TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}
