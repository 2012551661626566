using System.Net;

namespace Tcplb.Configuration;

/// <summary>
/// The names of the hosts file's <c>sni=</c> word, which route TLS clients by the server name of their
/// ClientHello: exact (<c>api.example.com</c>) or a wildcard of one label (<c>*.example.com</c> matches
/// <c>a.example.com</c>, not <c>example.com</c> nor <c>a.b.example.com</c>). Kept in lower case: names match
/// without regard to case. Lines without the word form the route named <see cref="DefaultRoute"/>.
/// </summary>
internal static class ServerNames
{
    /// <summary>The route of the lines without <c>sni=</c>, and its label in metrics and the status.</summary>
    public const string DefaultRoute = "default";

    public const string WildcardPrefix = "*.";

    /// <summary>The names of one <c>sni=</c> value (comma-separated), lower case, each once; throws a <see cref="ConfigException"/> naming the problem.</summary>
    public static string[] Parse(string value)
    {
        var names = new List<string>();
        foreach (var item in value.Split(','))
        {
            var name = item.ToLowerInvariant();
            if (Problem(name) is { } problem)
            {
                throw new ConfigException(problem);
            }
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }
        return [.. names];
    }

    private static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "sni= needs a name, or names separated by commas";
        }
        var host = name.StartsWith(WildcardPrefix, StringComparison.Ordinal) ? name[WildcardPrefix.Length..] : name;
        if (!HostsFile.IsHostName(host))
        {
            return $"sni name '{HostsFile.Printable(name)}' is not a host name or *.domain";
        }
        if (IPAddress.TryParse(host, out _))
        {
            return $"sni name '{HostsFile.Printable(name)}' is an IP address (clients send no server name for those)";
        }
        return name == DefaultRoute ? $"sni name '{DefaultRoute}' is taken: it names the pool of the lines without sni=" : null;
    }
}
