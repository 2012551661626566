using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.Health;
using Tcplb.Infrastructure;
using Tcplb.Net;
using Tcplb.SharedState;

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
    private readonly StateTable _table;
    private readonly int _defaultCheckPort;
    private readonly string _listen;

    /// <param name="listener">A listening socket to accept from (a worker's share of the port); by default the port of <paramref name="settings"/> is bound.</param>
    /// <param name="table">
    /// The group's shared state, with this process's worker index; by default a table of its own. The first worker
    /// (index 0) runs the active checks for the group.
    /// </param>
    public Proxy(Settings settings, IReadOnlyList<Backend> servers, Log log, TimeProvider time, Random random, IPAddress? bindAddress = null,
        Socket? listener = null, StateTable? table = null)
    {
        _defaultCheckPort = settings.CheckPort;
        _time = time;
        _table = table ?? CreateTable(settings, 1, time.GetTimestamp(), shareable: false);
        var slab = BufferSlab.ForConnections(settings.MaxConnections, settings.BufferSize);
        var checks = settings.CheckInterval > TimeSpan.Zero;
        Routes = new RouteTable(servers, (turns, members) =>
            new BackendPool(members, BalancePolicies.Create(settings.Balance, random, turns), settings.Cooldown, time, log, checks, settings.SlowStart, settings.FailThreshold), _table);
        _context = new SessionContext(settings, Routes, slab, _table, time, log);
        _sessions = new SessionPool(_context);
        _listener = new Listener(listener ?? ListenSocket.Open(settings.Port, bindAddress ?? settings.ListenAddress, settings.TcpKeepAlive), _sessions, _context.Pressure);
        _listen = ListenArgument.Format(bindAddress ?? settings.ListenAddress, LocalEndPoint.Port); // kept: the socket closes at SIGTERM
        _table.Workers.Mine.Slices = slab.Capacity;
        _timeouts = checks && _table.Worker == 0
            ? new TimeoutThread(_sessions, time, AnyWaiting, DispatchWaiting,
                new HealthChecker(settings, () => Routes.Servers, time, new Random(random.Next()), log).Tick)
            : new TimeoutThread(_sessions, time, AnyWaiting, DispatchWaiting);
    }

    /// <summary>
    /// The shared state table for <paramref name="workers"/> processes: with <c>--max-conns-per-client</c>, room for
    /// every connection the group can hold; with <c>--max-conn-rate-per-client</c>, for the rates.
    /// </summary>
    public static StateTable CreateTable(Settings settings, int workers, long createdAt, bool shareable) =>
        StateTable.Create(workers, settings.MaxConnectionsPerClient > 0 ? ClientCounts.CapacityFor((long)settings.MaxConnections + workers) : 0,
            createdAt, shareable, settings.MaxConnectionRatePerClient > 0 ? ClientRates.Capacity : 0);

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
        while (Connections.ActiveHere > 0)
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

    /// <summary>
    /// A snapshot of every figure operators see, of the whole group of worker processes: counters and gauges
    /// are read from the shared table, the servers are this process's list. Safe to call from any thread.
    /// </summary>
    public ProxyStatus Status()
    {
        var now = _time.GetTimestamp();
        PublishGauges();
        var workers = _table.Workers;
        var (slices, slicesInUse, queued, resident, descriptors) = (0, 0, 0, ProcessFigures.ResidentBytes(), ProcessFigures.OpenDescriptors());
        for (var w = 0; w < workers.Count; w++)
        {
            ref var row = ref workers[w];
            (slices, slicesInUse, queued) = (slices + row.Slices, slicesInUse + Volatile.Read(ref row.SlicesInUse), queued + Volatile.Read(ref row.QueueLength));
            if (w != _table.Worker && Volatile.Read(ref row.Pid) is var pid and > 0)
            {
                // The first process counts the pages every worker shares (the executable, libc); the others what they add.
                var process = pid.ToString(CultureInfo.InvariantCulture);
                resident += ProcessFigures.PrivateResidentBytes(process);
                descriptors += ProcessFigures.OpenDescriptors(process);
            }
        }
        return new ProxyStatus
        {
            Accepting = Accepting,
            Listen = _listen,
            Uptime = _time.Span(now - _table.CreatedAt),
            Workers = workers.Count,
            Healthy = Accepting && !Stopping,
            ActiveConnections = Connections.Active,
            TotalConnections = Connections.Total,
            RejectedConnections = Connections.Rejected,
            QueueLength = queued,
            QueueTimeouts = Connections.QueueTimeouts,
            ClientLimitRejected = Connections.ClientLimitRejected,
            ClientRateRejected = Connections.ClientRateRejected,
            ServerDownResets = Connections.ServerDownResets,
            Duration = Connections.Duration,
            Slices = slices,
            SlicesInUse = slicesInUse,
            SliceBytes = _context.Slab.SliceSize,
            ResidentBytes = resident,
            OpenDescriptors = descriptors,
            DeniedConnections = Connections.Denied,
            Servers = Array.ConvertAll(Routes.Servers, server => ServerStatusOf(server, now)),
            Routes = Array.ConvertAll(Routes.Routes, route => new RouteStatus { Name = route.Name, Connections = route.Connections }),
        };
    }

    /// <summary>
    /// Timeout thread, each tick: slots that freed otherwise than by a connection's end here (a server up again, a
    /// reload, a connection of another worker) go to waiting clients; then this worker's gauges are published.
    /// </summary>
    private void DispatchWaiting(long now)
    {
        foreach (var route in Routes.Routes)
        {
            route.Pool.DispatchWaiting();
        }
        PublishGauges();
    }

    /// <summary>Whether a client of this worker waits for a slot: the timeout thread then looks for freed ones more often.</summary>
    private bool AnyWaiting() => QueueLength() > 0;

    /// <summary>Clients of this worker waiting for a slot, in every pool.</summary>
    private int QueueLength()
    {
        var waiting = 0;
        foreach (var route in Routes.Routes)
        {
            waiting += route.Pool.Waiting.Count;
        }
        return waiting;
    }

    /// <summary>Writes this worker's gauges in its row of the shared table, for whichever process reports the group.</summary>
    private void PublishGauges()
    {
        ref var mine = ref _table.Workers.Mine;
        Volatile.Write(ref mine.QueueLength, QueueLength());
        Volatile.Write(ref mine.SlicesInUse, _sessions.InUse);
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
            CooldownLeft = up || state.DownUntil >= BackendState.UntilChecksPass ? TimeSpan.Zero : _time.Span(state.DownUntil - now),
            ConsecutiveFailures = state.ConsecutiveFailures,
            Active = state.Active,
            Connections = state.Connections,
            ConnectFailures = state.ConnectFailures,
            BytesSent = state.BytesSent,
            BytesReceived = state.BytesReceived,
            MaxConnections = server.MaxConnections,
            CheckPort = server.CheckPortOr(_defaultCheckPort),
            LastCheck = CheckOutcomeNames.Of(state.LastCheck),
            LastCheckTime = _time.Span(state.LastCheckTicks),
            CheckFailures = state.CheckFailures,
            ConnectTime = state.ConnectTime,
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
