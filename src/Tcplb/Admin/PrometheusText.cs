using System.Globalization;
using System.Text;
using Tcplb.Runtime;

namespace Tcplb.Admin;

/// <summary>The <c>/metrics</c> page: Prometheus text exposition format 0.0.4.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(LoadBalancer balancer)
    {
        var text = new StringBuilder(4096);
        var stats = balancer.Stats;
        Metric(text, "tcplb_connections_active", "gauge", "Client connections open now.", stats.Active);
        Metric(text, "tcplb_connections_total", "counter", "Client connections accepted.", stats.Total);
        Metric(text, "tcplb_connections_rejected_total", "counter", "Client connections closed because no server could take them.", stats.Rejected);

        var servers = balancer.Pool.Servers;
        var now = balancer.Context.Time.GetTimestamp();
        PerServer(text, servers, "tcplb_backend_up", "gauge", "1 when the server is not in cooldown after a failed connect.", s => s.IsAvailable(now) ? 1 : 0);
        PerServer(text, servers, "tcplb_backend_connections_active", "gauge", "Connections open to the server now.", s => s.Active);
        PerServer(text, servers, "tcplb_backend_connections_total", "counter", "Connections made to the server.", s => s.Connections);
        PerServer(text, servers, "tcplb_backend_connect_failures_total", "counter", "Connects to the server that failed or timed out.", s => s.ConnectFailures);
        PerServer(text, servers, "tcplb_backend_bytes_sent_total", "counter", "Bytes sent to the server, counted when each connection ends.", s => s.BytesSent);
        PerServer(text, servers, "tcplb_backend_bytes_received_total", "counter", "Bytes received from the server, counted when each connection ends.", s => s.BytesReceived);

        Metric(text, "tcplb_buffer_slices_in_use", "gauge", "Slab slices held by connections (and the one reserved for the next accept).", balancer.Context.Slab.InUse);
        Metric(text, "tcplb_buffer_slices", "gauge", "Slab slices in all (--max-conns).", balancer.Context.Slab.Capacity);
        Metric(text, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", ProcessFigures.ResidentBytes);
        Metric(text, "process_open_fds", "gauge", "Open file descriptors, sockets included.", ProcessFigures.OpenDescriptors);
        Metric(text, "tcplb_uptime_seconds", "gauge", "Seconds since the balancer started.", Math.Round(balancer.Uptime.TotalSeconds, 3));
        return text.ToString();
    }

    private static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Metric(StringBuilder text, string name, string type, string help, double value)
    {
        Header(text, name, type, help);
        text.Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void PerServer(StringBuilder text, Backends.Backend[] servers, string name, string type, string help, Func<Backends.Backend, long> value)
    {
        Header(text, name, type, help);
        foreach (var server in servers)
        {
            text.Append(name).Append("{backend=\"").Append(Escape(server.Name)).Append("\"} ")
                .Append(value(server).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static string Escape(string label) => label.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
