using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tcplb.Admin;

/// <summary>The <c>/metrics</c> page: Prometheus text exposition format 0.0.4, read from a <c>/status</c> document through <see cref="MetricCatalogue"/>.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(JsonElement status)
    {
        var text = new StringBuilder(4096);
        foreach (var metric in MetricCatalogue.Proxy)
        {
            if (metric is { Name: { } name, Json: { } path })
            {
                Header(text, name, metric);
                text.Append(name).Append(' ').Append(Number(StatusJson.Figure(status, path))).Append('\n');
            }
        }
        var servers = status.GetProperty("servers");
        foreach (var metric in MetricCatalogue.Server)
        {
            if (metric is not { Name: { } name, Json: { } key })
            {
                continue;
            }
            Header(text, name, metric);
            foreach (var server in servers.EnumerateArray())
            {
                text.Append(name).Append("{backend=\"").Append(Escape(server.GetProperty("address").GetString() ?? "")).Append("\"} ")
                    .Append(Number(StatusJson.Figure(server, key))).Append('\n');
            }
        }
        return text.ToString();
    }

    private static void Header<T>(StringBuilder text, string name, Metric<T> metric) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(metric.Help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(metric.Type == MetricType.Counter ? "counter" : "gauge").Append('\n');

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string label) => label.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
