namespace Tcplb.Configuration;

/// <summary>One server line of the hosts file, before name resolution.</summary>
/// <param name="Host">A host name or an IP address (IPv6 without brackets).</param>
/// <param name="Line">The 1-based line it came from, for messages.</param>
internal sealed record HostEntry(string Host, int Port, int Weight, int Line)
{
    /// <summary>The <c>maxconn=</c> limit: connections the server takes at once; 0 when it has none.</summary>
    public int MaxConnections { get; init; }

    /// <summary>The <c>check-port=</c>: where active checks of the server connect; 0 when it has none.</summary>
    public int CheckPort { get; init; }

    /// <summary>The <c>sni=</c> names (<see cref="Configuration.ServerNames"/>); empty for a line of the default pool.</summary>
    public IReadOnlyList<string> ServerNames { get; init; } = [];

    /// <summary>The <c>backup</c> word: the server gets clients only while no primary server of its pool is usable.</summary>
    public bool Backup { get; init; }

    /// <summary>The <c>drain</c> word: the server takes no new clients; its live connections are kept.</summary>
    public bool Drain { get; init; }

    /// <summary>As written by users: <c>name:80</c>, <c>10.0.0.1:80</c>, <c>[::1]:80</c>.</summary>
    public string Address => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
