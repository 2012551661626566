using Tcplb.Backends;
using Tcplb.Cli;
using Tcplb.Runtime;

namespace Tcplb.Net;

/// <summary>What every session shares: the servers, the slab, the settings in clock ticks, the counters and the log.</summary>
internal sealed class ProxyContext
{
    public ProxyContext(Options options, BackendPool pool, BufferSlab slab, TimeProvider time, Log log)
    {
        Pool = pool;
        Slab = slab;
        Time = time;
        Log = log;
        Pressure = new ResourcePressure(log, time);
        BufferSize = options.BufferSize;
        ConnectTimeoutTicks = time.Ticks(options.ConnectTimeout);
        IdleTimeoutTicks = time.Ticks(options.IdleTimeout);
        ProxyProtocol = options.ProxyProtocol;
        AccessLog = options.AccessLog;
        HashClients = options.Balance == BalancePolicy.SourceHash;
    }

    public BackendPool Pool { get; }

    public BufferSlab Slab { get; }

    public TimeProvider Time { get; }

    public Log Log { get; }

    public Stats Stats { get; } = new();

    /// <summary>Out-of-descriptor events: they pause accepting and are logged once per interval.</summary>
    public ResourcePressure Pressure { get; }

    /// <summary>Bytes per direction; a session's slab slice holds two.</summary>
    public int BufferSize { get; }

    public long ConnectTimeoutTicks { get; }

    /// <summary>0 when connections may idle for ever.</summary>
    public long IdleTimeoutTicks { get; }

    public ProxyProtocolVersion ProxyProtocol { get; }

    public bool AccessLog { get; }

    /// <summary>Whether the policy needs a hash of each client's address.</summary>
    public bool HashClients { get; }
}
