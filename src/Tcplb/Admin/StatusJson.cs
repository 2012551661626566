using System.Text.Json;
using Tcplb.Runtime;

namespace Tcplb.Admin;

/// <summary>
/// The <c>/status</c> document, written with <see cref="Utf8JsonWriter"/> (no reflection, safe under Native
/// AOT): where it listens, what each server is (address, host, weight, routes, state), then every figure <see cref="MetricCatalogue"/>
/// places in it; then each route.
/// </summary>
internal static class StatusJson
{
    public static byte[] Write(ProxyStatus status, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            json.WriteStartObject();
            json.WriteBoolean("accepting", status.Accepting);
            json.WriteString("listen", status.Listen);
            json.WriteBoolean("healthy", status.Healthy);
            WriteFigures(json, MetricCatalogue.Proxy, status);
            json.WriteStartArray(MetricCatalogue.Servers.Array);
            foreach (var server in status.Servers)
            {
                json.WriteStartObject();
                json.WriteString(MetricCatalogue.Servers.Key, server.Address);
                json.WriteString("host", server.Host);
                json.WriteNumber("weight", server.Weight);
                json.WriteStartArray("routes");
                foreach (var route in server.Routes)
                {
                    json.WriteStringValue(route);
                }
                json.WriteEndArray();
                json.WriteString("state", server.State);
                json.WriteNumber("cooldown_seconds", Math.Round(server.CooldownLeft.TotalSeconds, 1));
                json.WriteString("check", server.LastCheck);
                json.WriteNumber("check_port", server.CheckPort);
                WriteFigures(json, MetricCatalogue.Server, server);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray(MetricCatalogue.Routes.Array);
            foreach (var route in status.Routes)
            {
                json.WriteStartObject();
                json.WriteString(MetricCatalogue.Routes.Key, route.Name);
                WriteFigures(json, MetricCatalogue.Route, route);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Writes the figures that have a place here; those of one group (<c>group.key</c>) form one object, in catalogue order.</summary>
    private static void WriteFigures<T>(Utf8JsonWriter json, Metric<T>[] metrics, T source)
    {
        string? openGroup = null;
        foreach (var metric in metrics)
        {
            if (metric.Json is not { } path)
            {
                continue;
            }
            var dot = path.IndexOf('.');
            var group = dot < 0 ? null : path[..dot];
            if (group != openGroup)
            {
                if (openGroup is not null)
                {
                    json.WriteEndObject();
                }
                if (group is not null)
                {
                    json.WriteStartObject(group);
                }
                openGroup = group;
            }
            if (metric.ReadHistogram is { } histogram)
            {
                // Compact: the buckets are on /metrics.
                var figures = histogram(source);
                json.WriteStartObject(path[(dot + 1)..]);
                json.WriteNumber("count", figures.Count);
                json.WriteNumber("sum", Math.Round(figures.SumSeconds, 6));
                json.WriteEndObject();
                continue;
            }
            json.WriteNumber(path[(dot + 1)..], metric.Read(source));
        }
        if (openGroup is not null)
        {
            json.WriteEndObject();
        }
    }
}
