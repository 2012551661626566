using System.Net;
using Tcplb.Configuration;

namespace Tcplb.Backends;

/// <summary>
/// One server address as one snapshot of the server list has it: where it is and its settings from the hosts
/// file, fixed for the life of the snapshot. Its health and counters live in <see cref="State"/>, which
/// outlives snapshots: a reload that keeps the address but changes a setting makes a new entry that shares
/// the same state (<see cref="WithSettingsOf"/>).
/// </summary>
internal sealed class Backend
{
    public Backend(IPEndPoint endPoint, string host, int weight, IReadOnlyList<string>? routes = null, BackendState? state = null)
    {
        EndPoint = endPoint;
        Host = host;
        Weight = weight;
        Routes = routes is null ? [ServerNames.DefaultRoute] : [.. routes];
        Name = endPoint.ToString();
        Hash = Hashing.Of(Name);
        State = state ?? new BackendState();
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The address as the hosts file names it, e.g. <c>backend:5000</c>.</summary>
    public string Host { get; }

    /// <summary>The resolved address, e.g. <c>127.0.0.1:5000</c> or <c>[::1]:5000</c>; identifies the server across reloads.</summary>
    public string Name { get; }

    /// <summary>Relative share of new connections.</summary>
    public int Weight { get; }

    /// <summary>The <c>maxconn=</c> limit: connections it takes at once (connecting or open); 0 when it has none.</summary>
    public int MaxConnections { get; init; }

    /// <summary>The <c>check-port=</c> of its hosts line: where active checks connect; 0 when it has none.</summary>
    public int CheckPort { get; init; }

    /// <summary><see cref="Host"/> without its port: <c>backend</c>, <c>10.0.0.1</c>, <c>[::1]</c>.</summary>
    public string HostName => Host.LastIndexOf(':') is var colon and > 0 ? Host[..colon] : Host;

    /// <summary>Where checks connect: its <c>check-port=</c>, else <paramref name="defaultPort"/> (<c>--check-port</c>) unless 0, else its own port.</summary>
    public int CheckPortOr(int defaultPort) => CheckPort != 0 ? CheckPort : defaultPort != 0 ? defaultPort : EndPoint.Port;

    /// <summary>The <c>backup</c> word: picked only while no primary server of its pool is usable.</summary>
    public bool Backup { get; init; }

    /// <summary>The <c>drain</c> word: never picked; the connections it holds run to their end.</summary>
    public bool Draining { get; init; }

    /// <summary>
    /// The routes it serves: <c>sni=</c> names of its hosts lines, and <see cref="ServerNames.DefaultRoute"/> when a
    /// line without <c>sni=</c> lists it.
    /// </summary>
    public string[] Routes { get; }

    /// <summary>A stable 64-bit hash of <see cref="Name"/>, for consistent hashing.</summary>
    public ulong Hash { get; }

    /// <summary>Health and counters, shared by every snapshot entry of this address.</summary>
    public BackendState State { get; }

    /// <summary>Whether <paramref name="other"/> (the same address in a newer list) has the same settings.</summary>
    public bool HasSameSettings(Backend other) =>
        Weight == other.Weight && Host == other.Host && MaxConnections == other.MaxConnections && CheckPort == other.CheckPort &&
        Routes.AsSpan().SequenceEqual(other.Routes) && Backup == other.Backup && Draining == other.Draining;

    /// <summary>The entry for a newer list: <paramref name="fresh"/>'s settings, this entry's state.</summary>
    public Backend WithSettingsOf(Backend fresh) => new(EndPoint, fresh.Host, fresh.Weight, fresh.Routes, State)
    {
        MaxConnections = fresh.MaxConnections,
        CheckPort = fresh.CheckPort,
        Backup = fresh.Backup,
        Draining = fresh.Draining,
    };

    /// <summary>
    /// The entries of a newer list: a server whose address is in <paramref name="current"/> keeps its state
    /// (health, counters, live connections), as the same entry when its settings are unchanged, else as a new
    /// entry sharing that state. Also counts the addresses added, and returns those removed.
    /// </summary>
    public static (Backend[] Next, int Added, IReadOnlyCollection<Backend> Removed) CarryOver(IEnumerable<Backend> current, IReadOnlyList<Backend> fresh)
    {
        var known = current.ToDictionary(s => s.Name);
        var next = new Backend[fresh.Count];
        var added = 0;
        for (var i = 0; i < fresh.Count; i++)
        {
            if (known.Remove(fresh[i].Name, out var kept))
            {
                next[i] = kept.HasSameSettings(fresh[i]) ? kept : kept.WithSettingsOf(fresh[i]);
            }
            else
            {
                next[i] = fresh[i];
                added++;
            }
        }
        return (next, added, known.Values);
    }

    public override string ToString() => Name;
}
