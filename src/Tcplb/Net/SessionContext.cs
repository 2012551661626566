using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.Infrastructure;

namespace Tcplb.Net;

/// <summary>What every session shares: the routes and their servers, the slab, the settings in clock ticks, the counters and the log.</summary>
internal sealed class SessionContext
{
    public SessionContext(Settings settings, RouteTable routes, BufferSlab slab, TimeProvider time, Log log)
    {
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
        ClientLimit = settings.MaxConnectionsPerClient > 0 ? new ClientLimit(settings.MaxConnectionsPerClient, log, time) : null;
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

    public ConnectionCounters Connections { get; } = new();

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

    /// <summary>Connections per client address; null without <c>--max-conns-per-client</c>.</summary>
    public ClientLimit? ClientLimit { get; }

    /// <summary><c>--allow</c> and <c>--deny</c>; null without either.</summary>
    public ClientFilter? ClientFilter { get; }

    /// <summary><c>--accept-proxy</c>: sources whose connections start with a PROXY header; null: none.</summary>
    public AddressPrefixes? AcceptProxy { get; }

    public long ProxyHeaderTimeoutTicks { get; }
}
