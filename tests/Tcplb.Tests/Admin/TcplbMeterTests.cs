using System.Diagnostics.Metrics;
using Tcplb.Admin;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Admin;

public class TcplbMeterTests
{
    [Fact]
    public async Task Meter_PublishesConnectionAndServerFigures()
    {
        using var echo = ScriptedBackend.Echo();
        using var proxy = new TestProxy([echo.EndPoint]);
        using var meter = new TcplbMeter(proxy.Proxy.Status);
        using (var client = await proxy.ConnectAsync())
        {
            await client.SendAsync("x"u8.ToArray());
            await client.ReadExactlyAsync(1);
        }
        proxy.WaitUntilIdle();

        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter.Meter)) // this proxy's, not another test's
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var backend = tags.Length > 0 ? $"[{tags[0].Value}]" : "";
            seen[instrument.Name + backend] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(1, seen["tcplb.connections.total"]);
        Assert.Equal(0, seen["tcplb.connections.active"]);
        Assert.Equal(1, seen[$"tcplb.backend.connections.total[{echo.EndPoint}]"]);
        Assert.Equal(1, seen[$"tcplb.backend.up[{echo.EndPoint}]"]);
    }
}
