using System.Net;
using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.Health;
using Tcplb.Infrastructure;
using Tcplb.Net;

namespace Tcplb.Runtime;

/// <summary>
/// The running balancer, wired together: slab, servers, sessions, listener and timeout thread.
/// Constructing it reserves the slab and binds the port (throwing <see cref="OutOfMemoryException"/> or
/// <see cref="SocketException"/> when it cannot); <see cref="Start"/>
/// begins accepting. The CLI and the in-process tests both drive it.
/// </summary>
internal sealed class Proxy : IDisposable
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(20);

    private readonly SessionContext _context;
    private readonly SessionPool _sessions;
    private readonly Listener _listener;
    private readonly TimeoutThread _timeouts;
    private readonly TimeProvider _time;
    private readonly long _createdAt;
    private readonly int _worker;

    /// <param name="listener">A listening socket to accept from (a worker's share of the port); by default the port of <paramref name="settings"/> is bound.</param>
    /// <param name="worker">Which worker process this is; 0 for the first, or the only one.</param>
    public Proxy(Settings settings, IReadOnlyList<Backend> servers, Log log, TimeProvider time, Random random, IPAddress? bindAddress = null,
        Socket? listener = null, int worker = 0)
    {
        _worker = worker;
        _time = time;
        _createdAt = time.GetTimestamp();
        var slab = BufferSlab.ForConnections(settings.MaxConnections, settings.BufferSize);
        var checks = settings.CheckInterval > TimeSpan.Zero;
        Routes = new RouteTable(servers, members =>
            new BackendPool(members, BalancePolicies.Create(settings.Balance, random, worker), settings.Cooldown, time, log, checks, settings.SlowStart));
        _context = new SessionContext(settings, Routes, slab, time, log);
        _sessions = new SessionPool(_context);
        _listener = new Listener(listener ?? ListenSocket.Open(settings.Port, bindAddress), _sessions, _context.Pressure);
        _timeouts = checks
            ? new TimeoutThread(_sessions, time, DispatchWaiting, new HealthChecker(settings, () => Routes.Servers, time, new Random(random.Next()), log).Tick)
            : new TimeoutThread(_sessions, time, DispatchWaiting);
    }

    /// <summary>The routes of the hosts file, each with its pool of servers; what a reload replaces.</summary>
    public RouteTable Routes { get; }

    public ConnectionCounters Connections => _context.Connections;

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    public bool Accepting { get; private set; }

    /// <summary>A stop is asked for: still accepting through <c>--shutdown-delay</c>, but no longer healthy.</summary>
    public bool Stopping { get; set; }

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
        var deadline = _time.GetTimestamp() + _time.Ticks(timeout);
        while (Connections.Active > 0)
        {
            if (_time.GetTimestamp() >= deadline)
            {
                return false;
            }
            Thread.Sleep(DrainPoll);
        }
        return true;
    }

    /// <summary>Closes every remaining connection (FIN both ways) and waits a moment for them to be released.</summary>
    public void CloseAll()
    {
        foreach (var session in _sessions.All)
        {
            session.CloseForShutdown();
        }
        WaitForDrain(TimeSpan.FromSeconds(1));
    }

    /// <summary>A snapshot of every figure operators see; safe to call from any thread.</summary>
    public ProxyStatus Status()
    {
        var now = _time.GetTimestamp();
        var slab = _context.Slab;
        return new ProxyStatus
        {
            Accepting = Accepting,
            Healthy = Accepting && !Stopping,
            Uptime = _time.GetElapsedTime(_createdAt),
            ActiveConnections = Connections.Active,
            TotalConnections = Connections.Total,
            RejectedConnections = Connections.Rejected,
            QueueLength = QueueLength(),
            QueueTimeouts = Connections.QueueTimeouts,
            ClientLimitRejected = Connections.ClientLimitRejected,
            DeniedConnections = Connections.Denied,
            Slices = slab.Capacity,
            SlicesInUse = _sessions.InUse,
            SliceBytes = slab.SliceSize,
            // The first worker counts the pages every worker shares (the executable, libc); the others what they add.
            ResidentBytes = _worker == 0 ? ProcessFigures.ResidentBytes : ProcessFigures.PrivateResidentBytes,
            OpenDescriptors = ProcessFigures.OpenDescriptors,
            Servers = Array.ConvertAll(Routes.Servers, server => ServerStatusOf(server, now)),
            Routes = Array.ConvertAll(Routes.Routes, route => new RouteStatus { Name = route.Name, Connections = route.Connections }),
        };
    }

    /// <summary>Timeout thread, each tick: slots that freed otherwise than by a connection's end (a server up again, a reload) go to waiting clients.</summary>
    private void DispatchWaiting(long now)
    {
        foreach (var route in Routes.Routes)
        {
            route.Pool.DispatchWaiting();
        }
    }

    private int QueueLength()
    {
        var waiting = 0;
        foreach (var route in Routes.Routes)
        {
            waiting += route.Pool.Waiting.Count;
        }
        return waiting;
    }

    private ServerStatus ServerStatusOf(Backend server, long now)
    {
        var state = server.State;
        var up = state.IsAvailable(now);
        return new ServerStatus
        {
            Address = server.Name,
            Host = server.Host,
            Weight = server.Weight,
            Routes = server.Routes,
            Up = up,
            Backup = server.Backup,
            Draining = server.Draining,
            CooldownLeft = up || state.DownUntil == BackendState.UntilChecksPass ? TimeSpan.Zero : _time.Span(state.DownUntil - now),
            ConsecutiveFailures = state.ConsecutiveFailures,
            Active = state.Active,
            Connections = state.Connections,
            ConnectFailures = state.ConnectFailures,
            BytesSent = state.BytesSent,
            BytesReceived = state.BytesReceived,
            MaxConnections = server.MaxConnections,
            LastCheck = CheckOutcomeNames.Of(state.LastCheck),
            LastCheckTime = _time.Span(state.LastCheckTicks),
            CheckFailures = state.CheckFailures,
        };
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
