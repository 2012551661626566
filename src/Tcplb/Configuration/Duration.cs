using System.Globalization;

namespace Tcplb.Configuration;

/// <summary>Durations as users write them: <c>500ms</c>, <c>3s</c>, <c>2m</c>, <c>1h</c>, <c>1.5s</c>, or a bare <c>0</c>.</summary>
internal static class Duration
{
    public static TimeSpan Parse(string text, string what)
    {
        if (text == "0")
        {
            return TimeSpan.Zero;
        }
        var unitStart = text.AsSpan().IndexOfAnyExcept("0123456789.");
        if (unitStart <= 0)
        {
            throw new ConfigException(unitStart == 0 || text.Length == 0
                ? $"{what}: '{text}' is not a duration (examples: 500ms, 3s, 2m)"
                : $"{what}: '{text}' needs a unit: ms, s, m or h");
        }
        if (!double.TryParse(text.AsSpan(0, unitStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            throw new ConfigException($"{what}: '{text}' is not a duration (examples: 500ms, 3s, 2m)");
        }
        var milliseconds = text[unitStart..] switch
        {
            "ms" => amount,
            "s" => amount * 1_000,
            "m" => amount * 60_000,
            "h" => amount * 3_600_000,
            _ => throw new ConfigException($"{what}: '{text}' has an unknown unit (use ms, s, m or h)"),
        };
        if (milliseconds > TimeSpan.FromDays(365).TotalMilliseconds)
        {
            throw new ConfigException($"{what}: '{text}' is too long (at most a year)");
        }
        return TimeSpan.FromMilliseconds(Math.Round(milliseconds));
    }

    /// <summary>The shortest form that reads back the same: <c>10s</c>, <c>1500ms</c>, <c>2m</c>.</summary>
    public static string Format(TimeSpan value)
    {
        var ms = (long)value.TotalMilliseconds;
        return ms switch
        {
            0 => "0",
            _ when ms % 3_600_000 == 0 => $"{ms / 3_600_000}h",
            _ when ms % 60_000 == 0 => $"{ms / 60_000}m",
            _ when ms % 1_000 == 0 => $"{ms / 1_000}s",
            _ => $"{ms}ms",
        };
    }
}
