using System.Diagnostics.Metrics;
using System.Text.Json;
using Tcplb.Admin;
using Tcplb.Runtime;
using Tcplb.SharedState;

namespace Tcplb.Tests.Admin;

/// <summary>The catalogue is the one list: every output carries exactly what it declares.</summary>
public class MetricCatalogueTests
{
    private static readonly ProxyStatus Status = new()
    {
        Accepting = true,
        Uptime = TimeSpan.FromSeconds(12.5),
        ActiveConnections = 3,
        TotalConnections = 40,
        RejectedConnections = 2,
        Slices = 100,
        SlicesInUse = 4,
        SliceBytes = 32768,
        ResidentBytes = 5_000_000,
        OpenDescriptors = 12,
        Duration = new HistogramSnapshot(Histogram.Duration.Bounds.ToArray(), [0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3], 2.5, 4),
        Servers =
        [
            new ServerStatus
            {
                Address = "10.0.0.1:80", Host = "a:80", Weight = 2, Routes = ["default", "api.example.com"], Up = false, CooldownLeft = TimeSpan.FromSeconds(4),
                ConsecutiveFailures = 1, Active = 3, Connections = 38, ConnectFailures = 5, BytesSent = 100, BytesReceived = 200,
                ConnectTime = new HistogramSnapshot(Histogram.ConnectTime.Bounds.ToArray(), [1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 0.0015, 2),
            },
        ],
        Routes = [new RouteStatus { Name = "api.example.com", Connections = 7 }],
    };

    [Fact]
    public void Names_AreUnique()
    {
        string?[] names =
            [.. MetricCatalogue.Proxy.Select(m => m.Name), .. MetricCatalogue.Server.Select(m => m.Name), .. MetricCatalogue.Route.Select(m => m.Name)];
        var named = names.OfType<string>().ToList();
        Assert.Equal(named.Count, named.Distinct().Count());
    }

    [Fact]
    public void Prometheus_HasEveryNamedFigure_WithItsValue()
    {
        var text = PrometheusText.Write(Status);
        foreach (var metric in MetricCatalogue.Proxy.Where(m => m.Name is not null && m.Type != MetricType.Histogram))
        {
            Assert.Contains($"\n{metric.Name} {metric.Read(Status)}\n", "\n" + text);
        }
        foreach (var metric in MetricCatalogue.Server.Where(m => m.Name is not null && m.Type != MetricType.Histogram))
        {
            Assert.Contains($"{metric.Name}{{backend=\"10.0.0.1:80\"}} {metric.Read(Status.Servers[0])}\n", text);
        }
        foreach (var metric in MetricCatalogue.Route.Where(m => m.Name is not null))
        {
            Assert.Contains($"{metric.Name}{{route=\"api.example.com\"}} {metric.Read(Status.Routes[0])}\n", text);
        }
        Assert.Equal(
            MetricCatalogue.Proxy.Count(m => m.Name is not null) + MetricCatalogue.Server.Count(m => m.Name is not null)
                + MetricCatalogue.Route.Count(m => m.Name is not null),
            text.Split('\n').Count(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Prometheus_WritesHistograms_WithCumulativeBuckets_SumAndCount()
    {
        var text = PrometheusText.Write(Status);
        Assert.Contains("""
            # TYPE tcplb_connection_duration_seconds histogram
            tcplb_connection_duration_seconds_bucket{le="0.01"} 0
            tcplb_connection_duration_seconds_bucket{le="0.05"} 1
            """.ReplaceLineEndings("\n"), text);
        Assert.Contains("""
            tcplb_connection_duration_seconds_bucket{le="3600"} 3
            tcplb_connection_duration_seconds_bucket{le="+Inf"} 4
            tcplb_connection_duration_seconds_sum 2.5
            tcplb_connection_duration_seconds_count 4

            """.ReplaceLineEndings("\n"), text);
        Assert.Contains("""
            # TYPE tcplb_backend_connect_seconds histogram
            tcplb_backend_connect_seconds_bucket{backend="10.0.0.1:80",le="0.0005"} 1
            tcplb_backend_connect_seconds_bucket{backend="10.0.0.1:80",le="0.001"} 2
            """.ReplaceLineEndings("\n"), text);
        Assert.Contains("""
            tcplb_backend_connect_seconds_bucket{backend="10.0.0.1:80",le="10"} 2
            tcplb_backend_connect_seconds_bucket{backend="10.0.0.1:80",le="+Inf"} 2
            tcplb_backend_connect_seconds_sum{backend="10.0.0.1:80"} 0.0015
            tcplb_backend_connect_seconds_count{backend="10.0.0.1:80"} 2

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Json_HasEveryFigureThatHasAPlace()
    {
        using var json = JsonDocument.Parse(StatusJson.Write(Status));
        foreach (var metric in MetricCatalogue.Proxy.Where(m => m.Json is not null && m.Type != MetricType.Histogram))
        {
            var element = metric.Json!.Split('.').Aggregate(json.RootElement, (e, key) => e.GetProperty(key));
            Assert.Equal(metric.Read(Status), element.GetDouble());
        }
        var server = json.RootElement.GetProperty("servers")[0];
        foreach (var metric in MetricCatalogue.Server.Where(m => m.Json is not null && m.Type != MetricType.Histogram))
        {
            Assert.Equal(metric.Read(Status.Servers[0]), server.GetProperty(metric.Json!).GetDouble());
        }
        Assert.Equal((4, 2.5), (json.RootElement.GetProperty("duration_seconds").GetProperty("count").GetInt32(),
            json.RootElement.GetProperty("duration_seconds").GetProperty("sum").GetDouble()));
        Assert.Equal((2, 0.0015), (server.GetProperty("connect_seconds").GetProperty("count").GetInt32(),
            server.GetProperty("connect_seconds").GetProperty("sum").GetDouble()));
        Assert.Equal(("cooldown", 4.0, 2), (server.GetProperty("state").GetString(), server.GetProperty("cooldown_seconds").GetDouble(),
            server.GetProperty("weight").GetInt32()));
        Assert.Equal(["default", "api.example.com"], server.GetProperty("routes").EnumerateArray().Select(r => r.GetString()));
        var route = json.RootElement.GetProperty("routes")[0];
        Assert.Equal("api.example.com", route.GetProperty("name").GetString());
        foreach (var metric in MetricCatalogue.Route.Where(m => m.Json is not null))
        {
            Assert.Equal(metric.Read(Status.Routes[0]), route.GetProperty(metric.Json!).GetDouble());
        }
    }

    [Fact]
    public void Meter_PublishesExactlyTheFiguresThatNameAnInstrument()
    {
        using var meter = new TcplbMeter(() => Status);
        var seen = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter.Meter))
            {
                seen.Add(instrument.Name);
            }
        };
        listener.Start();
        string[] declared =
        [
            .. MetricCatalogue.Proxy.Select(m => m.Instrument).OfType<string>(), .. MetricCatalogue.Server.Select(m => m.Instrument).OfType<string>(),
            .. MetricCatalogue.Route.Select(m => m.Instrument).OfType<string>(),
        ];
        Assert.Equal(declared.Order(), seen.Order());
    }
}
