using System.Globalization;

namespace Tcplb.Configuration;

/// <summary>
/// The values of <c>--check-http PATH</c> and <c>--check-http-status LIST</c>. The path goes into the request
/// line as given, so it must be one that cannot break it: a leading <c>/</c>, printable ASCII, no space.
/// </summary>
internal static class HttpCheckOptions
{
    public const int MaxPathLength = 1024;
    public const int MaxStatuses = 32;

    public static string ParsePath(string text, string what)
    {
        if (!text.StartsWith('/'))
        {
            throw new ConfigException($"{what}: '{HostsFile.Printable(text)}' must start with '/' (the path of the request, such as /primary)");
        }
        if (text.Length > MaxPathLength)
        {
            throw new ConfigException($"{what}: the path is longer than {MaxPathLength} characters");
        }
        foreach (var c in text)
        {
            if (c is <= ' ' or > '~')
            {
                throw new ConfigException($"{what}: '{HostsFile.Printable(text)}' has a space, a control or a non-ASCII character " +
                    "(write it percent-encoded)");
            }
        }
        return text;
    }

    /// <summary>A comma-separated list of statuses from 100 to 599, such as <c>200,204</c>.</summary>
    public static int[] ParseStatuses(string text, string what)
    {
        var items = text.Split(',');
        if (items.Length > MaxStatuses)
        {
            throw new ConfigException($"{what}: more than {MaxStatuses} statuses");
        }
        var statuses = new int[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            statuses[i] = int.TryParse(items[i], NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 100 and <= 599
                ? status
                : throw new ConfigException($"{what}: '{HostsFile.Printable(text)}' must be HTTP statuses (100 to 599) separated by commas, such as 200,204");
        }
        return statuses;
    }
}
