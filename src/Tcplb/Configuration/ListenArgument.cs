using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tcplb.Configuration;

/// <summary>
/// The <c>[ADDR:]PORT</c> argument: <c>7777</c> is every interface of both families; <c>127.0.0.1:7777</c> and
/// <c>0.0.0.0:7777</c> are IPv4 only; <c>[::1]:7777</c> is that address; <c>[::]:7777</c> is every interface,
/// both families. An address is an IP address: a host name would bind whichever address it resolves to today.
/// </summary>
internal static class ListenArgument
{
    public static (IPAddress? Address, int Port) Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            return (null, Port(text, text));
        }
        if (colon == 0)
        {
            throw Malformed(text);
        }
        var host = text[..colon];
        var port = Port(text[(colon + 1)..], text);
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            return IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && host.Length > 2
                ? (v6, port)
                : throw new ConfigException($"listen address '{text}': '{host}' is not an IPv6 address");
        }
        // Strict dotted quads: IPAddress also reads "127.1" and "2130706433", which nobody means as an address.
        if (IPAddress.TryParse(host, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && v4.ToString() == host)
        {
            return (v4, port);
        }
        throw host.Contains(':')
            ? new ConfigException($"listen address '{text}': an IPv6 address goes in brackets, such as [::1]:{port}")
            : new ConfigException($"listen address '{text}': '{host}' is not an IP address (host names are not resolved; " +
                $"such as 127.0.0.1:{port} or [::1]:{port})");
    }

    /// <summary>How the listen address is shown (<c>--validate</c>, the log, <c>/status</c>): <c>*:7777</c> for every interface.</summary>
    public static string Format(IPAddress? address, int port) =>
        address is null ? $"*:{port}" : new IPEndPoint(address, port).ToString();

    private static int Port(string text, string whole) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw (text == whole ? new ConfigException($"PORT must be a number from 1 to 65535, not '{text}'") : Malformed(whole));

    private static ConfigException Malformed(string text) =>
        new($"listen address '{text}' must be PORT or ADDR:PORT with a port from 1 to 65535, such as 7777, 127.0.0.1:7777 or [::1]:7777");
}
