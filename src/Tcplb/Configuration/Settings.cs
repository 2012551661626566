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

    /// <summary>The address of <c>tcplb ADDR:PORT</c>; null: every interface, IPv4 and IPv6.</summary>
    public IPAddress? ListenAddress { get; init; }

    /// <summary>The listen address as operators see it: <c>*:7777</c>, <c>127.0.0.1:7777</c>, <c>[::1]:7777</c>.</summary>
    public string Listen => ListenArgument.Format(ListenAddress, Port);

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
    /// <summary>Where checks connect unless a server's <c>check-port=</c> says otherwise; 0: the server's own port.</summary>
    public int CheckPort { get; init; }

    /// <summary>The path of the HTTP check (<c>--check-http</c>); null: a TCP or send/expect check.</summary>
    public string? CheckHttpPath { get; init; }

    /// <summary>The statuses an HTTP check accepts; null: any 2xx or 3xx.</summary>
    public int[]? CheckHttpStatuses { get; init; }

    /// <summary><c>--on-down shutdown</c>: reset the connections of a server when its checks take it down.</summary>
    public bool ResetOnServerDown { get; init; }

    /// <summary><c>--on-up shutdown-backup</c>: connections on backup servers are reset once a primary is usable again.</summary>
    public bool ResetBackupsOnPrimaryUp { get; init; }

    public int CheckFall { get; init; } = 3;
    public int CheckRise { get; init; } = 2;

    /// <summary>How long a server that comes up takes to ramp from a tenth of its weight to all of it; zero: at once.</summary>
    public TimeSpan SlowStart { get; init; }

    /// <summary>How long a client waits for a slot when every server is at its <c>maxconn</c>.</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Failed connects in a row, counted for the whole group of workers, that put a server in cooldown.</summary>
    public int FailThreshold { get; init; } = 1;

    /// <summary>New connections per second one client address (IPv4, or IPv6 /64) may open, with a burst of as many; 0: no limit.</summary>
    public int MaxConnectionRatePerClient { get; init; }

    /// <summary>Connections one client address (IPv4, or IPv6 /64) may hold at once; 0: no limit.</summary>
    public int MaxConnectionsPerClient { get; init; }

    /// <summary>Servers a client is tried on after the first; null: every server of its pool once.</summary>
    public int? Retries { get; init; }

    /// <summary>Keep-alive timing of client and server sockets; null: the kernel's.</summary>
    public TcpKeepAlive? TcpKeepAlive { get; init; }

    /// <summary>The local address server connections leave from; null: the kernel's choice.</summary>
    public IPAddress? SourceAddress { get; init; }

    /// <summary><see cref="SourceAddress"/> with port 0, for binding; null without one.</summary>
    public IPEndPoint? SourceEndPoint => SourceAddress is { } source ? new IPEndPoint(source, 0) : null;

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
