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
                Create(metric, () => PerServer(status(), metric));
            }
        }
    }

    public Meter Meter => _meter;

    private static Measurement<long>[] PerServer(ProxyStatus status, Metric<ServerStatus> metric)
    {
        var measurements = new Measurement<long>[status.Servers.Length];
        for (var i = 0; i < measurements.Length; i++)
        {
            var server = status.Servers[i];
            measurements[i] = new Measurement<long>((long)metric.Read(server), new KeyValuePair<string, object?>("backend", server.Address));
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
