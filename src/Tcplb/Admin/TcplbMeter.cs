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
        foreach (var metric in MetricCatalogue.Server)
        {
            if (metric.Instrument is not null)
            {
                Create(metric, () => status().Servers.Select(s =>
                    new Measurement<long>((long)metric.Read(s), new KeyValuePair<string, object?>("backend", s.Address))));
            }
        }
    }

    public Meter Meter => _meter;

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
