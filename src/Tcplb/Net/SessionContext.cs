using System.Net;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.SharedState;

namespace Tcplb.Net;

/// <summary>What every session shares: the routes and their servers, the slab, the settings in clock ticks, the counters and the log.</summary>
internal sealed class SessionContext
{
    /// <param name="table">The group's shared state: this worker's counters, and the per-client counts.</param>
    public SessionContext(Settings settings, RouteTable routes, BufferSlab slab, StateTable table, TimeProvider time, Log log)
    {
        Connections = new ConnectionCounters(table);
        Routes = routes;
        Slab = slab;
        Time = time;
        Log = log;
        Pressure = new ResourcePressure(log, time);
        ConnectTimeoutTicks = time.Ticks(settings.ConnectTimeout);
        IdleTimeoutTicks = time.Ticks(settings.IdleTimeout);
        SniTimeoutTicks = time.Ticks(settings.SniTimeout);
        ProxyProtocol = settings.ProxyProtocol;
        AccessLog = settings.AccessLog;
        HashClients = settings.Balance == BalancePolicy.SourceHash;
        QueueTimeoutTicks = time.Ticks(settings.QueueTimeout);
        ResetOnServerDown = settings.ResetOnServerDown;
        ResetBackupsOnPrimaryUp = settings.ResetBackupsOnPrimaryUp;
        MaxTries = settings.Retries is { } retries ? retries + 1 : int.MaxValue;
        ServerKeepAlive = settings.TcpKeepAlive;
        SourceEndPoint = settings.SourceEndPoint;
        ClientLimit = settings.MaxConnectionsPerClient > 0 ? new ClientLimit(settings.MaxConnectionsPerClient, table, log, time) : null;
        ClientRate = settings.MaxConnectionRatePerClient > 0 ? new ClientRate(settings.MaxConnectionRatePerClient, table, log, time) : null;
        ClientFilter = ClientFilter.Of(settings, log, time);
        AcceptProxy = settings.AcceptProxy;
        ProxyHeaderTimeoutTicks = time.Ticks(ProxyHeaderTimeout);
    }

    /// <summary>How long a front balancer has to send its PROXY header: a handshake, not a client's think time.</summary>
    public static readonly TimeSpan ProxyHeaderTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The routes and their pools, swapped whole on reload.</summary>
    public RouteTable Routes { get; }

    public BufferSlab Slab { get; }

    public TimeProvider Time { get; }

    public Log Log { get; }

    public ConnectionCounters Connections { get; }

    /// <summary>Out-of-descriptor events: they pause accepting and are logged once per interval.</summary>
    public ResourcePressure Pressure { get; }

    public long ConnectTimeoutTicks { get; }

    /// <summary>0 when connections may idle for ever.</summary>
    public long IdleTimeoutTicks { get; }

    /// <summary>How long a client's first bytes are read for its server name, when a hosts line has <c>sni=</c>.</summary>
    public long SniTimeoutTicks { get; }

    public ProxyProtocolVersion ProxyProtocol { get; }

    public bool AccessLog { get; }

    /// <summary>Whether the policy needs a hash of each client's address.</summary>
    public bool HashClients { get; }

    /// <summary>How long a client may wait for a server below its <c>maxconn</c>.</summary>
    public long QueueTimeoutTicks { get; }

    /// <summary><c>--on-down shutdown</c>: the timeout thread resets the connections of servers their checks took down.</summary>
    public bool ResetOnServerDown { get; }

    /// <summary><c>--on-up shutdown-backup</c>: the timeout thread resets the connections of backups once a primary is usable again.</summary>
    public bool ResetBackupsOnPrimaryUp { get; }

    /// <summary>Servers one client may be tried on: <c>--retries</c> + 1, or every server of its pool.</summary>
    public int MaxTries { get; }

    /// <summary><c>--tcp-keepalive</c> for server sockets (client sockets inherit it from the listener); null: the kernel's.</summary>
    public TcpKeepAlive? ServerKeepAlive { get; }

    /// <summary><c>--source</c> with port 0; null: the kernel chooses the local address.</summary>
    public IPEndPoint? SourceEndPoint { get; }

    /// <summary>New connections per second per client address; null without <c>--max-conn-rate-per-client</c>.</summary>
    public ClientRate? ClientRate { get; }

    /// <summary>Connections per client address; null without <c>--max-conns-per-client</c>.</summary>
    public ClientLimit? ClientLimit { get; }

    /// <summary><c>--allow</c> and <c>--deny</c>; null without either.</summary>
    public ClientFilter? ClientFilter { get; }

    /// <summary><c>--accept-proxy</c>: sources whose connections start with a PROXY header; null: none.</summary>
    public AddressPrefixes? AcceptProxy { get; }

    public long ProxyHeaderTimeoutTicks { get; }
}
