using Tcplb.Backends;
using Tcplb.Configuration;
using Tcplb.SharedState;

namespace Tcplb.Balancing;

/// <summary>
/// The routes of the hosts file: one <see cref="Route"/>, and so one <see cref="BackendPool"/>, per <c>sni=</c>
/// name, and the default route for the lines without one. A server listed under several names is in each of
/// their pools, with one <see cref="BackendState"/>. An immutable snapshot behind a volatile field, rebuilt and
/// swapped whole on reload; routes whose name stays keep their pool and their count.
/// </summary>
/// <remarks>
/// Threading: <see cref="Find"/> and the properties run on any connection's thread, without locks and without
/// allocating; <see cref="Replace"/> on the reload thread.
/// </remarks>
internal sealed class RouteTable
{
    private readonly Func<RouteState, IReadOnlyList<Backend>, BackendPool> _newPool;
    private readonly StateTable? _table;
    private volatile Snapshot _current;

    /// <param name="newPool">Makes the pool of a new route (its own policy with the route's turn, the shared settings).</param>
    /// <param name="table">Where each route's turn and count live, shared by the worker processes; null: each route has its own.</param>
    public RouteTable(IReadOnlyList<Backend> servers, Func<RouteState, IReadOnlyList<Backend>, BackendPool> newPool, StateTable? table = null)
    {
        _newPool = newPool;
        _table = table;
        _current = Build(servers, []);
    }

    /// <summary>Whether any server has a <c>sni=</c> name: only then is a client's first flight read before connecting.</summary>
    public bool RoutesByName => _current.RoutesByName;

    /// <summary>The route of the lines without <c>sni=</c>; null when every line has one.</summary>
    public Route? Default => _current.Default;

    /// <summary>Every route, in the order the hosts file first names it.</summary>
    public Route[] Routes => _current.Routes;

    /// <summary>Every server once, in hosts file order, whatever its routes.</summary>
    public Backend[] Servers => _current.Servers;

    /// <summary>
    /// The route for a server name (lower case; empty when the client sent none): the exact name, else the
    /// wildcard of its parent domain (a wildcard matches one label, so at most one can match), else the
    /// default route; null when there is no default route.
    /// </summary>
    public Route? Find(ReadOnlySpan<char> serverName)
    {
        var snapshot = _current;
        if (serverName.IsEmpty)
        {
            return snapshot.Default;
        }
        if (snapshot.Exact.TryGetValue(serverName, out var exact))
        {
            return exact;
        }
        var dot = serverName.IndexOf('.');
        return dot > 0 && snapshot.Wildcards.TryGetValue(serverName[(dot + 1)..], out var wildcard) ? wildcard : snapshot.Default;
    }

    /// <summary>
    /// Installs a new server list. A server whose address stays keeps its state (health, counters, live
    /// connections), whichever routes it moves to; a route whose name stays keeps its pool and count.
    /// Returns the addresses added and removed.
    /// </summary>
    public (int Added, int Removed) Replace(IReadOnlyList<Backend> fresh)
    {
        var current = _current;
        var (servers, added, removed) = Backend.CarryOver(current.Servers, fresh);
        _current = Build(servers, current.Routes);
        foreach (var server in removed)
        {
            server.State.Unlist();
        }
        return (added, removed.Count);
    }

    private Snapshot Build(IReadOnlyList<Backend> servers, Route[] previous)
    {
        var names = new List<string>();
        var members = new Dictionary<string, List<Backend>>();
        foreach (var server in servers)
        {
            foreach (var name in server.Routes)
            {
                if (!members.TryGetValue(name, out var list))
                {
                    members.Add(name, list = []);
                    names.Add(name);
                }
                list.Add(server);
            }
        }
        var routes = new List<Route>();
        foreach (var name in names)
        {
            var list = members[name];
            var kept = Array.Find(previous, r => r.Name == name);
            if (kept is null)
            {
                var state = _table is null ? new RouteState() : RouteState.For(_table, Hashing.Of(name));
                routes.Add(new Route(name, _newPool(state, list), state));
                continue;
            }
            kept.Pool.Replace(list);
            routes.Add(kept);
        }
        return new Snapshot([.. servers], [.. routes]);
    }

    /// <summary>One list of routes, indexed for <see cref="Find"/>: exact names, wildcards by their parent domain, the default.</summary>
    private sealed class Snapshot
    {
        public Snapshot(Backend[] servers, Route[] routes)
        {
            Servers = servers;
            Routes = routes;
            var exact = new Dictionary<string, Route>(StringComparer.Ordinal);
            var wildcards = new Dictionary<string, Route>(StringComparer.Ordinal);
            foreach (var route in routes)
            {
                if (route.Name == ServerNames.DefaultRoute)
                {
                    Default = route;
                }
                else if (route.Name.StartsWith(ServerNames.WildcardPrefix, StringComparison.Ordinal))
                {
                    wildcards.Add(route.Name[ServerNames.WildcardPrefix.Length..], route);
                }
                else
                {
                    exact.Add(route.Name, route);
                }
            }
            RoutesByName = exact.Count + wildcards.Count > 0;
            Exact = exact.GetAlternateLookup<ReadOnlySpan<char>>();
            Wildcards = wildcards.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public Backend[] Servers { get; }
        public Route[] Routes { get; }
        public Route? Default { get; }
        public bool RoutesByName { get; }
        public Dictionary<string, Route>.AlternateLookup<ReadOnlySpan<char>> Exact { get; }
        public Dictionary<string, Route>.AlternateLookup<ReadOnlySpan<char>> Wildcards { get; }
    }
}
