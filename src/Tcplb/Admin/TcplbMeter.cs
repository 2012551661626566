using System.Diagnostics.Metrics;
using Tcplb.Runtime;

namespace Tcplb.Admin;

/// <summary>
/// The figures of <see cref="MetricCatalogue"/> that name an instrument, published through
/// <see cref="System.Diagnostics.Metrics"/> (meter <c>Tcplb</c>) for dotnet-counters and OpenTelemetry.
/// Observable instruments: a status is taken only when a listener collects, so they cost nothing otherwise.
/// </summary>
internal sealed class TcplbMeter : IDisposable
{
    public const string Name = "Tcplb";

    private readonly Meter _meter = new(Name);

    /// <param name="status">The balancer's status, of the whole group of workers.</param>
    public TcplbMeter(Func<ProxyStatus> status)
    {
        foreach (var metric in MetricCatalogue.Proxy)
        {
            if (metric.Instrument is not null)
            {
                Create(metric, () => [new Measurement<long>((long)metric.Read(status()))]);
            }
        }
        CreatePerItem(MetricCatalogue.Servers, status);
        CreatePerItem(MetricCatalogue.Routes, status);
    }

    public Meter Meter => _meter;

    /// <summary>Each figure of the list that names an instrument, one measurement per item, tagged with its name.</summary>
    private void CreatePerItem<T>(ItemList<T> list, Func<ProxyStatus> status)
    {
        foreach (var metric in list.Metrics)
        {
            if (metric.Instrument is not null)
            {
                Create(metric, () => Array.ConvertAll(list.Items(status()), item =>
                    new Measurement<long>((long)metric.Read(item), new KeyValuePair<string, object?>(list.Label, list.Name(item)))));
            }
        }
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
