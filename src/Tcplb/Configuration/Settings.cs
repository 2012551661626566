using System.Net;

namespace Tcplb.Configuration;

/// <summary>
/// How the balancer runs, as the command line and the environment set it: every field matches one option of
/// <c>tcplb --help</c>. The one record every part reads its settings from; nothing below the command line
/// knows how they were given.
/// </summary>
internal sealed record Settings
{
    public int Port { get; init; }
    public string HostsPath { get; init; } = "hosts";
    public BalancePolicy Balance { get; init; } = BalancePolicy.RoundRobin;
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.Zero;
    public int MaxConnections { get; init; } = 10_000;
    public int BufferSize { get; init; } = 64 * 1024;
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>On SIGTERM, how long <c>/healthz</c> says 503 while clients are still accepted, before the drain.</summary>
    public TimeSpan ShutdownDelay { get; init; }
    public IPEndPoint? Admin { get; init; }
    public ProxyProtocolVersion ProxyProtocol { get; init; } = ProxyProtocolVersion.None;
    public TimeSpan ResolveInterval { get; init; } = TimeSpan.FromSeconds(30);
    public bool AccessLog { get; init; }
    public LogLevel LogLevel { get; init; } = LogLevel.Info;
    public TimeSpan SniTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each server address is checked; zero: no active checks (health is learnt from clients' connects).</summary>
    public TimeSpan CheckInterval { get; init; }

    /// <summary>The limit per check; null: the connect timeout.</summary>
    public TimeSpan? CheckTimeout { get; init; }

    public byte[]? CheckSend { get; init; }
    public byte[]? CheckExpect { get; init; }
    public int CheckFall { get; init; } = 3;
    public int CheckRise { get; init; } = 2;

    /// <summary>How long a server that comes up takes to ramp from a tenth of its weight to all of it; zero: at once.</summary>
    public TimeSpan SlowStart { get; init; }

    /// <summary>How long a client waits for a slot when every server is at its <c>maxconn</c>.</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Connections one client address (IPv4, or IPv6 /64) may hold at once; 0: no limit.</summary>
    public int MaxConnectionsPerClient { get; init; }

    /// <summary><c>--allow</c>: only these client addresses may connect; null: any not denied.</summary>
    public AddressPrefixes? Allow { get; init; }

    /// <summary><c>--deny</c>: these client addresses are reset at accept, even when allowed.</summary>
    public AddressPrefixes? Deny { get; init; }

    /// <summary><c>--accept-proxy</c>: front balancers whose connections start with a PROXY header naming the real client.</summary>
    public AddressPrefixes? AcceptProxy { get; init; }

    /// <summary><see cref="CheckTimeout"/> with its default resolved.</summary>
    public TimeSpan EffectiveCheckTimeout => CheckTimeout ?? ConnectTimeout;

    /// <summary>Worker processes; 0 means one per core.</summary>
    public int Workers { get; init; }

    /// <summary><see cref="Workers"/> with <c>auto</c> resolved: one per core the process may use (a container's CPU limit counts).</summary>
    public int WorkerCount => Workers > 0 ? Workers : Environment.ProcessorCount;
}
