using System.Net;
using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Cli;
using Tcplb.Net;

namespace Tcplb.Runtime;

/// <summary>
/// The running balancer, wired together: slab, servers, sessions, listener and timeout thread.
/// Constructing it binds the port (and throws <see cref="SocketException"/> if that fails);
/// <see cref="Start"/> begins accepting. The CLI and the in-process tests both drive it.
/// </summary>
internal sealed class LoadBalancer : IDisposable
{
    private readonly Listener _listener;
    private readonly TimeoutThread _timeouts;
    private readonly long _createdAt;

    public LoadBalancer(Options options, IReadOnlyList<Backend> servers, Log log, TimeProvider time, Random random, IPAddress? bindAddress = null)
    {
        _createdAt = time.GetTimestamp();
        var slab = new BufferSlab(options.MaxConnections, 2 * options.BufferSize);
        Pool = new BackendPool(servers, BalancerFactory.Create(options.Balance, random), options.Cooldown, time, log);
        Context = new ProxyContext(options, Pool, slab, time, log);
        Sessions = new SessionPool(Context);
        _listener = new Listener(ListenSocket.Open(options.Port, bindAddress), Sessions, Context.Pressure);
        _timeouts = new TimeoutThread(Sessions, time);
    }

    public BackendPool Pool { get; }

    public ProxyContext Context { get; }

    public SessionPool Sessions { get; }

    public Stats Stats => Context.Stats;

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    public bool Accepting { get; private set; }

    public TimeSpan Uptime => Context.Time.GetElapsedTime(_createdAt);

    public void Start()
    {
        _timeouts.Start();
        Accepting = true;
        _listener.Start();
    }

    /// <summary>Closes the listening socket: new clients are refused, live connections go on.</summary>
    public void StopAccepting()
    {
        Accepting = false;
        _listener.Stop();
    }

    /// <summary>Waits until no connection is left, or the timeout passes; true when none is left.</summary>
    public bool WaitForDrain(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Stats.Active > 0)
        {
            if (Environment.TickCount64 >= deadline)
            {
                return false;
            }
            Thread.Sleep(20);
        }
        return true;
    }

    /// <summary>Closes every remaining connection (FIN both ways) and waits a moment for them to be released.</summary>
    public void CloseAll()
    {
        foreach (var session in Sessions.All)
        {
            session.CloseForShutdown();
        }
        WaitForDrain(TimeSpan.FromSeconds(1));
    }

    public void Dispose()
    {
        if (Accepting)
        {
            StopAccepting();
        }
        _timeouts.Dispose();
    }
}
