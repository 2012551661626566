using Tcplb.Runtime;
using Tcplb.SharedState;

namespace Tcplb.Admin;

/// <summary>How a figure behaves: a count that only grows, one that goes up and down, a level, or counts of values in buckets.</summary>
internal enum MetricType
{
    Counter,
    UpDownCounter,
    Gauge,
    Histogram,
}

/// <summary>
/// One published figure. <paramref name="name"/> is its Prometheus name (null: not on <c>/metrics</c>),
/// <paramref name="json"/> its place in <c>/status</c> (<c>group.key</c>, or a top-level key; null: not
/// there), <paramref name="instrument"/> its <see cref="System.Diagnostics.Metrics"/> instrument (null: not
/// published on the meter).
/// </summary>
internal sealed class Metric<T>(string? name, MetricType type, string help, string? json, string? instrument, string? unit,
    Func<T, double> read)
{
    public string? Name { get; } = name;
    public MetricType Type { get; } = type;
    public string Help { get; } = help;
    public string? Json { get; } = json;
    public string? Instrument { get; } = instrument;
    public string? Unit { get; } = unit;

    /// <summary>
    /// A histogram (<see cref="MetricType.Histogram"/>), read by <paramref name="histogram"/>: its buckets, sum and
    /// count on <c>/metrics</c>, <c>{count, sum}</c> in <c>/status</c>; not on the meter. <see cref="Read"/> gives its count.
    /// </summary>
    public Metric(string name, string help, string json, Func<T, HistogramSnapshot> histogram)
        : this(name, MetricType.Histogram, help, json, null, "s", s => histogram(s).Count)
    {
        ReadHistogram = histogram;
    }

    public Func<T, double> Read { get; } = read;

    /// <summary>The buckets, sum and count of a <see cref="MetricType.Histogram"/>; null for the other types.</summary>
    public Func<T, HistogramSnapshot>? ReadHistogram { get; }
}

/// <summary>
/// A list of <c>/status</c> whose items each carry the figures of <paramref name="Metrics"/>: the array's name,
/// the property that names an item, the label that carries that name on <c>/metrics</c> and the meter, the
/// items of a status and an item's name.
/// </summary>
internal sealed record ItemList<T>(string Array, string Key, string Label, Metric<T>[] Metrics, Func<ProxyStatus, T[]> Items, Func<T, string> Name);

/// <summary>
/// Every figure tcplb publishes, written once. <c>/status</c>, <c>/metrics</c> and the <c>Tcplb</c> meter all
/// write the group's <see cref="ProxyStatus"/> (every worker's figures, read from the shared state table)
/// through these lists, and the status page renders <c>/status</c>.
/// </summary>
internal static class MetricCatalogue
{
    public static readonly Metric<ProxyStatus>[] Proxy =
    [
        new("tcplb_connections_active", MetricType.UpDownCounter, "Client connections open now.",
            "connections.active", "tcplb.connections.active", "{connection}", s => s.ActiveConnections),
        new("tcplb_connections_total", MetricType.Counter, "Client connections accepted.",
            "connections.total", "tcplb.connections.total", "{connection}", s => s.TotalConnections),
        new("tcplb_connections_rejected_total", MetricType.Counter, "Client connections closed because no server could take them.",
            "connections.rejected", "tcplb.connections.rejected", "{connection}", s => s.RejectedConnections),
        new("tcplb_client_limit_rejected_total", MetricType.Counter, "Client connections reset because their address held --max-conns-per-client already.",
            "connections.client_limit_rejected", "tcplb.connections.client_limit_rejected", "{connection}", s => s.ClientLimitRejected),
        new("tcplb_connections_denied_total", MetricType.Counter, "Client connections reset at accept because --allow or --deny refused their address.",
            "connections.denied", "tcplb.connections.denied", "{connection}", s => s.DeniedConnections),
        new("tcplb_client_rate_rejected_total", MetricType.Counter, "Client connections reset because their address opened them faster than --max-conn-rate-per-client.",
            "connections.client_rate_rejected", "tcplb.connections.client_rate_rejected", "{connection}", s => s.ClientRateRejected),
        new("tcplb_server_down_resets_total", MetricType.Counter, "Client connections reset because checks took their server down (--on-down shutdown).",
            "connections.server_down_resets", "tcplb.connections.server_down_resets", "{connection}", s => s.ServerDownResets),
        new("tcplb_buffer_slices_in_use", MetricType.UpDownCounter, "Slab slices held by connections (and the one reserved for the next accept).",
            "buffers.slices_in_use", "tcplb.buffer.slices_in_use", "{slice}", s => s.SlicesInUse),
        new("tcplb_buffer_slices", MetricType.Gauge, "Slab slices in all (--max-conns).",
            "buffers.slices", null, "{slice}", s => s.Slices),
        new(null, MetricType.Gauge, "Bytes of buffer per connection, both directions.",
            "buffers.slice_bytes", null, "By", s => s.SliceBytes),
        new("process_resident_memory_bytes", MetricType.Gauge, "Resident memory size in bytes, all worker processes together, the pages they share counted once.",
            "process.resident_memory_bytes", null, "By", s => s.ResidentBytes),
        new("process_open_fds", MetricType.Gauge, "Open file descriptors, sockets included, all worker processes together.",
            "process.open_fds", null, "{descriptor}", s => s.OpenDescriptors),
        new("tcplb_workers", MetricType.Gauge, "Worker processes serving the port (each holds one slice for its next accept).",
            "workers", null, "{process}", s => s.Workers),
        new("tcplb_uptime_seconds", MetricType.Gauge, "Seconds since the balancer started.",
            "uptime_seconds", null, "s", s => Math.Round(s.Uptime.TotalSeconds, 3)),
        new("tcplb_queue_length", MetricType.UpDownCounter, "Clients waiting for a server below its maxconn.",
            "queue.length", "tcplb.queue.length", "{connection}", s => s.QueueLength),
        new("tcplb_queue_timeouts_total", MetricType.Counter, "Clients closed after waiting --queue-timeout for a server below its maxconn.",
            "queue.timeouts", "tcplb.queue.timeouts", "{connection}", s => s.QueueTimeouts),
        new("tcplb_connection_duration_seconds", "How long client connections lasted, from accept to close.",
            "duration_seconds", s => s.Duration),
    ];

    /// <summary>Per server (<see cref="Servers"/>).</summary>
    public static readonly Metric<ServerStatus>[] Server =
    [
        new("tcplb_backend_up", MetricType.Gauge, "1 when the server is up: not down after a failed connect, nor after failed active checks.",
            "up", "tcplb.backend.up", null, s => s.Up ? 1 : 0),
        new("tcplb_backend_connections_active", MetricType.UpDownCounter, "Connections open to the server now.",
            "active", "tcplb.backend.connections.active", "{connection}", s => s.Active),
        new("tcplb_backend_max_connections", MetricType.Gauge, "The server's maxconn limit; 0 when it has none.",
            "max_connections", null, "{connection}", s => s.MaxConnections),
        new("tcplb_backend_connections_total", MetricType.Counter, "Connections made to the server.",
            "total", "tcplb.backend.connections.total", "{connection}", s => s.Connections),
        new("tcplb_backend_connect_failures_total", MetricType.Counter, "Connects to the server that failed or timed out.",
            "connect_failures", "tcplb.backend.connect_failures", "{failure}", s => s.ConnectFailures),
        new(null, MetricType.Gauge, "Failed connects in a row; 0 after a success.",
            "consecutive_failures", null, "{failure}", s => s.ConsecutiveFailures),
        new("tcplb_backend_bytes_sent_total", MetricType.Counter, "Bytes sent to the server, counted when each connection ends.",
            "bytes_sent", "tcplb.backend.bytes_sent", "By", s => s.BytesSent),
        new("tcplb_backend_bytes_received_total", MetricType.Counter, "Bytes received from the server, counted when each connection ends.",
            "bytes_received", "tcplb.backend.bytes_received", "By", s => s.BytesReceived),
        new("tcplb_backend_check_failures_total", MetricType.Counter, "Active checks of the server that failed.",
            "check_failures", "tcplb.backend.check_failures", "{failure}", s => s.CheckFailures),
        new(null, MetricType.Gauge, "How long the last active check took, in milliseconds.",
            "check_ms", null, "ms", s => Math.Round(s.LastCheckTime.TotalMilliseconds, 2)),
        new("tcplb_backend_connect_seconds", "How long connects to the server took until it accepted, counting the attempt that succeeded.",
            "connect_seconds", s => s.ConnectTime),
    ];

    /// <summary>Per route: a <c>sni=</c> name of the hosts file, or <c>default</c> (<see cref="Routes"/>).</summary>
    public static readonly Metric<RouteStatus>[] Route =
    [
        new("tcplb_routed_connections_total", MetricType.Counter, "Client connections sent to the route's servers: by the server name they asked for, or default.",
            "connections", "tcplb.routed_connections", "{connection}", r => r.Connections),
    ];

    /// <summary>The servers, each named by its address: <c>tcplb_backend_up{backend="10.0.0.1:80"}</c>.</summary>
    public static readonly ItemList<ServerStatus> Servers = new("servers", "address", "backend", Server, s => s.Servers, s => s.Address);

    /// <summary>The routes, each named by its name: <c>tcplb_routed_connections_total{route="api.example.com"}</c>.</summary>
    public static readonly ItemList<RouteStatus> Routes = new("routes", "name", "route", Route, s => s.Routes, r => r.Name);
}
