namespace Tcplb.Infrastructure;

/// <summary>
/// The one place that converts between durations and the clock's timestamps. Every deadline and cooldown in
/// tcplb is a <see cref="TimeProvider.GetTimestamp"/> value, so that tests can drive them with a fake clock.
/// </summary>
internal static class TimeProviderExtensions
{
    /// <summary>A duration in the clock's own timestamp units, for comparing with <see cref="TimeProvider.GetTimestamp"/>.</summary>
    public static long Ticks(this TimeProvider time, TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    /// <summary>A difference of two timestamps as a duration.</summary>
    public static TimeSpan Span(this TimeProvider time, long ticks) => TimeSpan.FromSeconds((double)ticks / time.TimestampFrequency);

    /// <summary>A difference of two timestamps in whole microseconds, as the histograms count time.</summary>
    public static long Microseconds(this TimeProvider time, long ticks) => (long)(ticks * (1_000_000.0 / time.TimestampFrequency));
}
