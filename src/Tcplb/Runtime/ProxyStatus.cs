using Tcplb.SharedState;

namespace Tcplb.Runtime;

/// <summary>
/// One moment of the running balancer as operators see it, built by <see cref="Proxy.Status"/>. Immutable:
/// the admin endpoint and the meter read figures from it, never from the live objects behind it.
/// </summary>
internal sealed class ProxyStatus
{
    public required bool Accepting { get; init; }

    /// <summary>Where clients connect: <c>*:7777</c> (every interface), <c>127.0.0.1:7777</c>, <c>[::1]:7777</c>.</summary>
    public string Listen { get; init; } = "";

    /// <summary>What <c>/healthz</c> answers: accepting, and no stop asked for (<c>--shutdown-delay</c>).</summary>
    public bool Healthy { get; init; }
    public required TimeSpan Uptime { get; init; }

    /// <summary>Worker processes serving the port.</summary>
    public int Workers { get; init; } = 1;
    public required long ActiveConnections { get; init; }
    public required long TotalConnections { get; init; }
    public required long RejectedConnections { get; init; }

    /// <summary>Clients waiting for a server below its <c>maxconn</c>.</summary>
    public int QueueLength { get; init; }

    public long QueueTimeouts { get; init; }
    public long ClientLimitRejected { get; init; }
    public long ClientRateRejected { get; init; }

    /// <summary>Client connections reset because checks took their server down (<c>--on-down shutdown</c>).</summary>
    public long ServerDownResets { get; init; }

    /// <summary>Clients reset because <c>--allow</c> or <c>--deny</c> refused their address.</summary>
    public long DeniedConnections { get; init; }

    /// <summary>How long client connections lasted, from accept to release.</summary>
    public HistogramSnapshot Duration { get; init; } = Histogram.Duration.Zero;
    public required int Slices { get; init; }
    public required int SlicesInUse { get; init; }
    public required int SliceBytes { get; init; }
    public required long ResidentBytes { get; init; }
    public required int OpenDescriptors { get; init; }
    public required ServerStatus[] Servers { get; init; }
    public required RouteStatus[] Routes { get; init; }
}

/// <summary>One server of <see cref="ProxyStatus"/>.</summary>
internal sealed class ServerStatus
{
    /// <summary>The resolved address, e.g. <c>127.0.0.1:5000</c>.</summary>
    public required string Address { get; init; }

    /// <summary>The address as the hosts file names it.</summary>
    public required string Host { get; init; }

    public required int Weight { get; init; }

    /// <summary>The routes it serves: its <c>sni=</c> names, and <c>default</c> when a line without <c>sni=</c> lists it.</summary>
    public required string[] Routes { get; init; }

    public required bool Up { get; init; }

    /// <summary>The <c>backup</c> word of its hosts line.</summary>
    public bool Backup { get; init; }

    /// <summary>The <c>drain</c> word of its hosts line.</summary>
    public bool Draining { get; init; }

    /// <summary>
    /// What operators read first: <c>draining</c>; else <c>cooldown</c> (avoided for <see cref="CooldownLeft"/>) or
    /// <c>down</c> (until checks pass); else <c>backup</c> or <c>up</c>.
    /// </summary>
    public string State => Draining ? "draining" : !Up ? (CooldownLeft > TimeSpan.Zero ? "cooldown" : "down") : Backup ? "backup" : "up";

    /// <summary>How long the server is still avoided; zero when up.</summary>
    public required TimeSpan CooldownLeft { get; init; }

    public required int ConsecutiveFailures { get; init; }
    public required int Active { get; init; }
    public required long Connections { get; init; }
    public required long ConnectFailures { get; init; }
    public required long BytesSent { get; init; }
    public required long BytesReceived { get; init; }

    /// <summary>Where active checks connect (<c>check-port=</c>, <c>--check-port</c>, else the server's port).</summary>
    public int CheckPort { get; init; }

    /// <summary>The <c>maxconn</c> limit; 0 when none.</summary>
    public int MaxConnections { get; init; }

    /// <summary>How the last active check ended (<c>none</c> without checks).</summary>
    public string LastCheck { get; init; } = "none";

    /// <summary>How long the last check took.</summary>
    public TimeSpan LastCheckTime { get; init; }

    public long CheckFailures { get; init; }

    /// <summary>How long the connects that succeeded took.</summary>
    public HistogramSnapshot ConnectTime { get; init; } = Histogram.ConnectTime.Zero;
}

/// <summary>One route of <see cref="ProxyStatus"/>: a <c>sni=</c> name of the hosts file, or <c>default</c>.</summary>
internal sealed class RouteStatus
{
    public required string Name { get; init; }

    /// <summary>Connections sent to the route since start-up.</summary>
    public required long Connections { get; init; }
}
