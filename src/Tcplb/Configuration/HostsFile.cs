using System.Globalization;
using System.Net;

namespace Tcplb.Configuration;

/// <summary>
/// Parses the hosts file: one server per line as <c>HOST:PORT</c>, <c>IPv4:PORT</c> or <c>[IPv6]:PORT</c>,
/// optionally followed by the words of <see cref="Words"/> (<c>weight=N</c>, <c>maxconn=N</c>, <c>sni=NAME[,NAME]</c>,
/// <c>check-port=N</c>, <c>backup</c>, <c>drain</c>);
/// <c>#</c> starts a comment; blank lines are skipped.
/// Errors read <c>hosts:3: port 99999 out of range</c>.
/// </summary>
internal static class HostsFile
{
    public const int MaxWeight = 256;
    public const int MaxConnectionsLimit = 1_000_000;
    private const int MaxLineLength = 4096;

    /// <summary>The words that may follow the address, as <c>NAME=VALUE</c> or a bare <c>NAME</c>: how each sets its part of the entry.</summary>
    private static readonly Word[] Words =
    [
        new("weight", "weight=N", (entry, value) => entry with { Weight = ParseWeight(value) }),
        new("maxconn", "maxconn=N", (entry, value) => entry with { MaxConnections = ParseMaxConnections(value) }),
        new("sni", "sni=NAME[,NAME]", (entry, value) => entry with { ServerNames = ServerNames.Parse(value) }),
        new("check-port", "check-port=N", (entry, value) => entry with { CheckPort = ParseCheckPort(value) }),
        new("backup", "backup", (entry, _) => entry with { Backup = true }),
        new("drain", "drain", (entry, _) => entry with { Drain = true }),
    ];

    public static IReadOnlyList<HostEntry> Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException($"hosts file not found: {Path.GetFullPath(path)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"cannot read hosts file {Path.GetFullPath(path)}: {ErrorText.Of(e, path)}");
        }
        return Parse(text, path);
    }

    public static IReadOnlyList<HostEntry> Parse(string text, string fileName)
    {
        var entries = new List<HostEntry>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = StripComment(rawLine).Trim();
            if (line.Length == 0)
            {
                continue;
            }
            if (line.Length > MaxLineLength)
            {
                throw Error(fileName, lineNumber, $"line longer than {MaxLineLength} characters");
            }
            entries.Add(ParseLine(line, lineNumber, fileName));
        }
        if (entries.Count == 0)
        {
            throw new ConfigException($"{fileName}: no servers listed (one HOST:PORT per line)");
        }
        return entries;
    }

    private static string StripComment(string line)
    {
        var hash = line.IndexOf('#');
        return hash < 0 ? line : line[..hash];
    }

    private static HostEntry ParseLine(string line, int lineNumber, string fileName)
    {
        var fields = line.Split([' ', '\t', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries);
        var (host, port) = ParseAddress(fields[0], lineNumber, fileName);
        var entry = new HostEntry(host, port, 1, lineNumber);
        foreach (var field in fields.AsSpan(1))
        {
            var equals = field.IndexOf('=');
            var name = equals < 0 ? field : field[..equals];
            var word = Array.Find(Words, w => w.Name == name && w.TakesValue == equals >= 0);
            if (word is null)
            {
                throw Error(fileName, lineNumber,
                    $"unexpected '{Printable(field)}' (only {string.Join(", ", Array.ConvertAll(Words, w => w.Form))} may follow the address)");
            }
            try
            {
                entry = word.Apply(entry, equals < 0 ? "" : field[(equals + 1)..]);
            }
            catch (ConfigException e)
            {
                throw Error(fileName, lineNumber, e.Message);
            }
        }
        return entry;
    }

    private static int ParseWeight(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var weight) && weight is >= 1 and <= MaxWeight
            ? weight
            : throw new ConfigException($"weight '{Printable(value)}' must be a whole number from 1 to {MaxWeight}");

    private static int ParseMaxConnections(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxConnectionsLimit
            ? limit
            : throw new ConfigException($"maxconn '{Printable(value)}' must be a whole number from 1 to {MaxConnectionsLimit}");

    private static int ParseCheckPort(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new ConfigException($"check-port '{Printable(value)}' must be a port number from 1 to 65535");

    private static (string Host, int Port) ParseAddress(string address, int lineNumber, string fileName)
    {
        string host;
        string portText;
        if (address.StartsWith('['))
        {
            var close = address.IndexOf(']');
            if (close < 0)
            {
                throw Error(fileName, lineNumber, $"missing ']' in '{Printable(address)}'");
            }
            host = address[1..close];
            if (!IPAddress.TryParse(host, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                throw Error(fileName, lineNumber, $"'{Printable(host)}' is not an IPv6 address");
            }
            var rest = address[(close + 1)..];
            if (!rest.StartsWith(':'))
            {
                throw Error(fileName, lineNumber, $"missing port in '{Printable(address)}' (write [IPv6]:PORT)");
            }
            portText = rest[1..];
        }
        else
        {
            var colon = address.LastIndexOf(':');
            if (colon < 0)
            {
                throw Error(fileName, lineNumber, $"missing port in '{Printable(address)}' (write HOST:PORT)");
            }
            host = address[..colon];
            portText = address[(colon + 1)..];
            if (host.Contains(':'))
            {
                throw Error(fileName, lineNumber, $"IPv6 address must be in brackets: '[{Printable(host)}]:{Printable(portText)}'");
            }
            if (!IsHostName(host))
            {
                throw Error(fileName, lineNumber, $"'{Printable(host)}' is not a host name or IP address");
            }
        }
        if (portText.Length == 0)
        {
            throw Error(fileName, lineNumber, $"missing port in '{Printable(address)}'");
        }
        if (!long.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw Error(fileName, lineNumber, $"port '{Printable(portText)}' is not a number");
        }
        if (port is < 1 or > 65535)
        {
            throw Error(fileName, lineNumber, $"port {port} out of range (1-65535)");
        }
        return (host, (int)port);
    }

    /// <summary>Letters, digits, '-', '_' and dots between labels of at most 63 characters (RFC 1123, plus '_' as seen in service names).</summary>
    internal static bool IsHostName(string host)
    {
        if (host.Length is 0 or > 253)
        {
            return false;
        }
        foreach (var label in host.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>Quotes user text safely in a one-line message: control characters become '?', long text is cut.</summary>
    internal static string Printable(string text)
    {
        var cut = text.Length > 64 ? text[..64] + "..." : text;
        return string.Create(cut.Length, cut, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }

    private static ConfigException Error(string fileName, int line, string problem) => new($"{fileName}:{line}: {problem}");

    /// <summary>A word of a server line: its name, its form for messages, and how its value sets the entry (throwing the problem).</summary>
    private sealed record Word(string Name, string Form, Func<HostEntry, string, HostEntry> Apply)
    {
        /// <summary>Written <c>NAME=VALUE</c>; otherwise the bare name is the whole word.</summary>
        public bool TakesValue => Form.Contains('=');
    }
}
