using System.Globalization;
using System.Text;
using Tcplb.Runtime;
using Tcplb.SharedState;

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
                if (metric.ReadHistogram is { } histogram)
                {
                    WriteHistogram(text, name, "", histogram(status));
                    continue;
                }
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
                if (metric.ReadHistogram is { } histogram)
                {
                    WriteHistogram(text, name, $"{list.Label}=\"{Escape(list.Name(item))}\"", histogram(item));
                    continue;
                }
                text.Append(name).Append('{').Append(list.Label).Append("=\"").Append(Escape(list.Name(item)))
                    .Append("\"} ").Append(Number(metric.Read(item))).Append('\n');
            }
        }
    }

    /// <summary>
    /// The series of one histogram: a cumulative <c>_bucket</c> per bound and <c>le="+Inf"</c>, then <c>_sum</c> and
    /// <c>_count</c>; the item's <paramref name="label"/> (<c>backend="…"</c>, or empty) comes before <c>le</c>.
    /// </summary>
    private static void WriteHistogram(StringBuilder text, string name, string label, HistogramSnapshot histogram)
    {
        var bucketLabels = label.Length == 0 ? "" : label + ",";
        for (var i = 0; i < histogram.Bounds.Length; i++)
        {
            Bucket(text, name, bucketLabels, Number(histogram.Bounds[i]), histogram.Cumulative[i]);
        }
        Bucket(text, name, bucketLabels, "+Inf", histogram.Count);
        var labels = label.Length == 0 ? "" : "{" + label + "}";
        text.Append(name).Append("_sum").Append(labels).Append(' ').Append(Number(histogram.SumSeconds)).Append('\n');
        text.Append(name).Append("_count").Append(labels).Append(' ').Append(histogram.Count).Append('\n');
    }

    private static void Bucket(StringBuilder text, string name, string labels, string bound, long count) =>
        text.Append(name).Append("_bucket{").Append(labels).Append("le=\"").Append(bound).Append("\"} ").Append(count).Append('\n');

    private static void Header<T>(StringBuilder text, string name, Metric<T> metric) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(metric.Help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(TypeName(metric.Type)).Append('\n');

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Histogram => "histogram",
        _ => "gauge",
    };

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string label) => label.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
