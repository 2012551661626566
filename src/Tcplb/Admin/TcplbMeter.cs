using System.Diagnostics.Metrics;
using Tcplb.Runtime;

namespace Tcplb.Admin;

/// <summary>
/// The figures of <see cref="MetricCatalogue"/> that name an instrument, published through
/// <see cref="System.Diagnostics.Metrics"/> (meter <c>Tcplb</c>) for dotnet-counters and OpenTelemetry.
/// Observable instruments: a status snapshot is taken only when a listener collects, so they cost nothing otherwise.
/// </summary>
internal sealed class TcplbMeter : IDisposable
{
    public const string Name = "Tcplb";

    private readonly Meter _meter = new(Name);

    public TcplbMeter(Func<ProxyStatus> status)
    {
        foreach (var metric in MetricCatalogue.Proxy)
        {
            if (metric.Instrument is not null)
            {
                Create(metric, () => [new Measurement<long>((long)metric.Read(status()))]);
            }
        }
        CreateLabelled(MetricCatalogue.Server, () => status().Servers, MetricCatalogue.ServerLabel, s => s.Address);
        CreateLabelled(MetricCatalogue.Route, () => status().Routes, MetricCatalogue.RouteLabel, r => r.Name);
    }

    public Meter Meter => _meter;

    /// <summary>An instrument per figure that names one, measured once per item and tagged with <paramref name="label"/>.</summary>
    private void CreateLabelled<T>(Metric<T>[] metrics, Func<T[]> items, string label, Func<T, string> labelValue)
    {
        foreach (var metric in metrics)
        {
            if (metric.Instrument is not null)
            {
                Create(metric, () => Array.ConvertAll(items(),
                    item => new Measurement<long>((long)metric.Read(item), new KeyValuePair<string, object?>(label, labelValue(item)))));
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
