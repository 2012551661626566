using System.Diagnostics.Metrics;
using System.Text.Json;

namespace Tcplb.Admin;

/// <summary>
/// The figures of <see cref="MetricCatalogue"/> that name an instrument, published through
/// <see cref="System.Diagnostics.Metrics"/> (meter <c>Tcplb</c>) for dotnet-counters and OpenTelemetry.
/// Observable instruments: a status document is taken only when a listener collects, so they cost nothing otherwise.
/// </summary>
internal sealed class TcplbMeter : IDisposable
{
    public const string Name = "Tcplb";

    private readonly Meter _meter = new(Name);

    /// <param name="status">The balancer's <c>/status</c> document, of the whole group of workers.</param>
    public TcplbMeter(Func<byte[]> status)
    {
        foreach (var metric in MetricCatalogue.Proxy)
        {
            if (metric is { Instrument: not null, Json: { } path })
            {
                Create(metric, () =>
                {
                    using var document = JsonDocument.Parse(status());
                    return [new Measurement<long>((long)StatusJson.Figure(document.RootElement, path))];
                });
            }
        }
        CreatePerItem(MetricCatalogue.Servers, status);
        CreatePerItem(MetricCatalogue.Routes, status);
    }

    public Meter Meter => _meter;

    private void CreatePerItem<T>(ItemList<T> list, Func<byte[]> status)
    {
        foreach (var metric in list.Metrics)
        {
            if (metric is { Instrument: not null, Json: { } key })
            {
                Create(metric, () => PerItem(status(), list, key));
            }
        }
    }

    /// <summary>One measurement per item of the list, tagged with its name.</summary>
    private static Measurement<long>[] PerItem<T>(byte[] status, ItemList<T> list, string key)
    {
        using var document = JsonDocument.Parse(status);
        if (!document.RootElement.TryGetProperty(list.Array, out var items))
        {
            return [];
        }
        var measurements = new Measurement<long>[items.GetArrayLength()];
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            measurements[i++] = new Measurement<long>((long)StatusJson.Figure(item, key),
                new KeyValuePair<string, object?>(list.Label, item.GetProperty(list.Key).GetString()));
        }
        return measurements;
    }

    private void Create<T>(Metric<T> metric, Func<IEnumerable<Measurement<long>>> observe)
    {
        var name = metric.Instrument!;
        _ = metric.Type switch
        {
            MetricType.Counter => (Instrument)_meter.CreateObservableCounter(name, observe, metric.Unit, metric.Help),
            MetricType.UpDownCounter => _meter.CreateObservableUpDownCounter(name, observe, metric.Unit, metric.Help),
            _ => _meter.CreateObservableGauge(name, observe, metric.Unit, metric.Help),
        };
    }

    public void Dispose() => _meter.Dispose();
}
