using System.Net;
using System.Net.Sockets;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.SharedState;

namespace Tcplb.Backends;

/// <summary>
/// Turns hosts-file entries into servers, one per resolved address. A name that does not resolve is a
/// warning, not an error: it keeps the addresses it last resolved to (none at start-up) and is tried
/// again at the next resolution. The same address listed twice is one server with the weights added, the
/// routes of both lines, and the <c>maxconn</c> limits added (unless a line has none); the first line's
/// <c>check-port</c> counts.
/// </summary>
/// <param name="table">Where each server's state lives, shared by the worker processes; null: each server has its own.</param>
internal sealed class HostsResolver(Log log, Func<string, IPAddress[]> lookup, StateTable? table = null)
{
    private readonly Dictionary<string, IPAddress[]> _lastResolved = new(StringComparer.OrdinalIgnoreCase);

    public HostsResolver(Log log, StateTable? table = null) : this(log, Dns.GetHostAddresses, table)
    {
    }

    /// <remarks>Blocks on DNS: call it at start-up or from a background reload, never on the relay path.</remarks>
    public List<Backend> Resolve(IReadOnlyList<HostEntry> entries)
    {
        var found = new List<(IPEndPoint EndPoint, HostEntry Entry, int Weight, List<string> Routes, int MaxConnections)>();
        var byAddress = new Dictionary<IPEndPoint, int>();
        foreach (var entry in entries)
        {
            IReadOnlyList<string> routes = entry.ServerNames.Count == 0 ? [ServerNames.DefaultRoute] : entry.ServerNames;
            foreach (var address in AddressesOf(entry))
            {
                var endPoint = new IPEndPoint(address, entry.Port);
                if (byAddress.TryGetValue(endPoint, out var index))
                {
                    var same = found[index];
                    found[index] = same with
                    {
                        Weight = Math.Min(same.Weight + entry.Weight, HostsFile.MaxWeight),
                        MaxConnections = same.MaxConnections == 0 || entry.MaxConnections == 0 ? 0 : same.MaxConnections + entry.MaxConnections,
                    };
                    same.Routes.AddRange(routes.Except(same.Routes));
                    continue;
                }
                byAddress.Add(endPoint, found.Count);
                found.Add((endPoint, entry, entry.Weight, [.. routes], entry.MaxConnections));
            }
        }
        return found.ConvertAll(s => new Backend(s.EndPoint, s.Entry.Address, s.Weight, s.Routes, table is null ? null : BackendState.For(table, s.EndPoint))
        {
            MaxConnections = s.MaxConnections,
            CheckPort = s.Entry.CheckPort,
            Backup = s.Entry.Backup, // an address on several lines takes the first line's words
            Draining = s.Entry.Drain,
        });
    }

    private IPAddress[] AddressesOf(HostEntry entry)
    {
        if (IPAddress.TryParse(entry.Host, out var literal))
        {
            return [literal];
        }
        try
        {
            var addresses = lookup(entry.Host)
                .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                .Distinct()
                .ToArray();
            if (addresses.Length > 0)
            {
                _lastResolved[entry.Host] = addresses;
                return addresses;
            }
            log.Warn("host name has no addresses", ("host", entry.Address), ("line", entry.Line));
        }
        catch (SocketException e)
        {
            log.Warn("cannot resolve host name", ("host", entry.Address), ("line", entry.Line), ("error", ErrorText.Of(e)));
        }
        return _lastResolved.TryGetValue(entry.Host, out var last) ? last : [];
    }
}
