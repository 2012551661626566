using System.Diagnostics.Metrics;
using Tcplb.Runtime;

namespace Tcplb.Admin;

/// <summary>
/// The same figures as <c>/metrics</c>, published through <see cref="System.Diagnostics.Metrics"/> (meter
/// <c>Tcplb</c>) for dotnet-counters and OpenTelemetry. Observable instruments: they are read only when a
/// listener collects, so they cost nothing otherwise.
/// </summary>
internal sealed class TcplbMeter : IDisposable
{
    public const string Name = "Tcplb";

    private readonly Meter _meter = new(Name);

    public Meter Meter => _meter;

    public TcplbMeter(LoadBalancer balancer)
    {
        var stats = balancer.Stats;
        _meter.CreateObservableUpDownCounter("tcplb.connections.active", () => stats.Active, "{connection}", "Client connections open now.");
        _meter.CreateObservableCounter("tcplb.connections.total", () => stats.Total, "{connection}", "Client connections accepted.");
        _meter.CreateObservableCounter("tcplb.connections.rejected", () => stats.Rejected, "{connection}", "Client connections no server could take.");
        _meter.CreateObservableUpDownCounter("tcplb.backend.connections.active",
            () => PerServer(balancer, s => s.Active), "{connection}", "Connections open to each server.");
        _meter.CreateObservableCounter("tcplb.backend.connections.total",
            () => PerServer(balancer, s => s.Connections), "{connection}", "Connections made to each server.");
        _meter.CreateObservableCounter("tcplb.backend.connect_failures",
            () => PerServer(balancer, s => s.ConnectFailures), "{failure}", "Failed connects to each server.");
        _meter.CreateObservableGauge("tcplb.backend.up", () =>
        {
            var now = balancer.Context.Time.GetTimestamp();
            return PerServer(balancer, s => s.IsAvailable(now) ? 1 : 0);
        }, null, "1 when the server is not in cooldown.");
    }

    private static IEnumerable<Measurement<long>> PerServer(LoadBalancer balancer, Func<Backends.Backend, long> value) =>
        balancer.Pool.Servers.Select(s => new Measurement<long>(value(s), new KeyValuePair<string, object?>("backend", s.Name)));

    public void Dispose() => _meter.Dispose();
}
