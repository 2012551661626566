using Tcplb.SharedState;

namespace Tcplb.Balancing;

/// <summary>
/// One route of the <see cref="RouteTable"/>: a server name of the hosts file (exact or <c>*.domain</c>), or
/// the default route, with the pool of its servers and the count of connections sent to it. Kept across
/// reloads while its name stays listed, so its pool (policy turn, health) and its count go on.
/// </summary>
internal sealed class Route(string name, BackendPool pool, RouteState state)
{

    /// <summary>The name as the hosts file writes it, lower case; <c>default</c> for the lines without <c>sni=</c>.</summary>
    public string Name { get; } = name;

    public BackendPool Pool { get; } = pool;

    /// <summary>Connections sent to this route since start-up, by every worker.</summary>
    public long Connections => state.Connections;

    public void Counted() => state.Counted();
}
