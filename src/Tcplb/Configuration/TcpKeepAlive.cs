using System.Globalization;

namespace Tcplb.Configuration;

/// <summary>
/// <c>--tcp-keepalive IDLE[:INTERVAL[:COUNT]]</c>: the first probe after IDLE without traffic, then one every
/// INTERVAL, and the peer is given up after COUNT unanswered; a part left out keeps the kernel's value. Whole
/// seconds, as the kernel counts them (at most 32767 s; COUNT at most 127).
/// </summary>
internal sealed record TcpKeepAlive(int IdleSeconds, int? IntervalSeconds, int? Count)
{
    private const int MaxSeconds = 32767;
    private const int MaxCount = 127;

    public static TcpKeepAlive Parse(string text, string what)
    {
        var parts = text.Split(':');
        if (parts.Length > 3)
        {
            throw new ConfigException($"{what}: '{text}' must be IDLE[:INTERVAL[:COUNT]], such as 60s:10s:6");
        }
        var idle = Seconds(parts[0], text, what);
        int? interval = parts.Length > 1 ? Seconds(parts[1], text, what) : null;
        int? count = parts.Length > 2 ? ParseCount(parts[2], text, what) : null;
        return new TcpKeepAlive(idle, interval, count);
    }

    public override string ToString() =>
        Duration.Format(TimeSpan.FromSeconds(IdleSeconds)) +
        (IntervalSeconds is { } interval ? ":" + Duration.Format(TimeSpan.FromSeconds(interval)) : "") +
        (Count is { } count ? ":" + count.ToString(CultureInfo.InvariantCulture) : "");

    private static int Seconds(string part, string text, string what)
    {
        var duration = Duration.Parse(part, what);
        return duration.Ticks % TimeSpan.TicksPerSecond == 0 && duration >= TimeSpan.FromSeconds(1) && duration <= TimeSpan.FromSeconds(MaxSeconds)
            ? (int)duration.TotalSeconds
            : throw new ConfigException($"{what}: '{part}' in '{text}' must be whole seconds from 1s to {MaxSeconds}s");
    }

    private static int ParseCount(string part, string text, string what) =>
        int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= MaxCount
            ? count
            : throw new ConfigException($"{what}: COUNT '{part}' in '{text}' must be a whole number from 1 to {MaxCount}");
}
