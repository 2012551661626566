using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>
/// The servers a policy chooses among, with the weight each counts with now: its hosts-file weight, scaled by
/// its slow-start ramp while one is ramping (<see cref="Ramping"/>; weights are then in thousandths).
/// </summary>
internal readonly ref struct Candidates(ReadOnlySpan<Backend> servers, ReadOnlySpan<int> rampPermille)
{
    private readonly ReadOnlySpan<Backend> _servers = servers;
    private readonly ReadOnlySpan<int> _ramps = rampPermille;

    public int Length => _servers.Length;

    public Backend this[int index] => _servers[index];

    /// <summary>Whether a server is still ramping up; when not, <see cref="Weight"/> is the hosts-file weight itself.</summary>
    public bool Ramping => !_ramps.IsEmpty;

    public long Weight(int index) => _ramps.IsEmpty ? _servers[index].Weight : (long)_servers[index].Weight * _ramps[index];

    public static implicit operator Candidates(Backend[] servers) => new(servers, default);

    public static implicit operator Candidates(Span<Backend> servers) => new(servers, default);
}
