using System.Globalization;
using System.Text;
using Tcplb.Runtime;

namespace Tcplb.Admin;

/// <summary>The <c>/metrics</c> page: Prometheus text exposition format 0.0.4, written from a status through <see cref="MetricCatalogue"/>.</summary>
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
        WriteItems(text, status, MetricCatalogue.Servers);
        WriteItems(text, status, MetricCatalogue.Routes);
        return text.ToString();
    }

    /// <summary>Each named figure of the list once per item, labelled with the item's name.</summary>
    private static void WriteItems<T>(StringBuilder text, ProxyStatus status, ItemList<T> list)
    {
        foreach (var metric in list.Metrics)
        {
            if (metric.Name is not { } name)
            {
                continue;
            }
            Header(text, name, metric);
            foreach (var item in list.Items(status))
            {
                text.Append(name).Append('{').Append(list.Label).Append("=\"").Append(Escape(list.Name(item)))
                    .Append("\"} ").Append(Number(metric.Read(item))).Append('\n');
            }
        }
    }

    private static void Header<T>(StringBuilder text, string name, Metric<T> metric) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(metric.Help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(metric.Type == MetricType.Counter ? "counter" : "gauge").Append('\n');

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string label) => label.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
