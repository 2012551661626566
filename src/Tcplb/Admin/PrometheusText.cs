using System.Globalization;
using System.Text;
using Tcplb.Runtime;

namespace Tcplb.Admin;

/// <summary>The <c>/metrics</c> page: Prometheus text exposition format 0.0.4, from <see cref="MetricCatalogue"/>.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(ProxyStatus status)
    {
        var text = new StringBuilder(4096);
        foreach (var metric in MetricCatalogue.Proxy)
        {
            if (metric.Name is { } name)
            {
                Header(text, name, metric);
                text.Append(name).Append(' ').Append(Number(metric.Read(status))).Append('\n');
            }
        }
        WriteLabelled(text, MetricCatalogue.Server, status.Servers, MetricCatalogue.ServerLabel, s => s.Address);
        WriteLabelled(text, MetricCatalogue.Route, status.Routes, MetricCatalogue.RouteLabel, r => r.Name);
        return text.ToString();
    }

    /// <summary>Each named figure of <paramref name="metrics"/> once per item, told apart by <paramref name="label"/>.</summary>
    private static void WriteLabelled<T>(StringBuilder text, Metric<T>[] metrics, T[] items, string label, Func<T, string> labelValue)
    {
        foreach (var metric in metrics)
        {
            if (metric.Name is not { } name)
            {
                continue;
            }
            Header(text, name, metric);
            foreach (var item in items)
            {
                text.Append(name).Append('{').Append(label).Append("=\"").Append(Escape(labelValue(item))).Append("\"} ")
                    .Append(Number(metric.Read(item))).Append('\n');
            }
        }
    }

    private static void Header<T>(StringBuilder text, string name, Metric<T> metric) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(metric.Help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(metric.Type == MetricType.Counter ? "counter" : "gauge").Append('\n');

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string label) => label.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
