using System.Net.Sockets;
using Tcplb.Admin;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary>The timing histograms of <c>/metrics</c> count every connection: its connect to the server, and its life.</summary>
public class TimingHistogramTests
{
    [Fact]
    public async Task FiveConnections_AreFiveConnectTimesOfTheirServer_AndFiveDurations()
    {
        using var backend = ScriptedBackend.Echo();
        using var proxy = new TestProxy([backend.EndPoint]);
        for (var i = 0; i < 5; i++)
        {
            using var client = await proxy.ConnectAsync();
            await client.SendAsync("x"u8.ToArray());
            await Eventually.Within(client.ReadExactlyAsync(1));
            client.Shutdown(SocketShutdown.Send);
            await Eventually.Within(client.WaitForCloseAsync());
        }
        proxy.WaitUntilIdle();

        var text = PrometheusText.Write(proxy.Proxy.Status());
        var backendLabel = $"backend=\"{backend.EndPoint}\"";
        Assert.Contains($"tcplb_backend_connect_seconds_bucket{{{backendLabel},le=\"10\"}} 5\n", text); // loopback connects are fast
        Assert.Contains($"tcplb_backend_connect_seconds_bucket{{{backendLabel},le=\"+Inf\"}} 5\n", text);
        Assert.Contains($"tcplb_backend_connect_seconds_count{{{backendLabel}}} 5\n", text);
        Assert.Contains("tcplb_connection_duration_seconds_bucket{le=\"3600\"} 5\n", text);
        Assert.Contains("tcplb_connection_duration_seconds_count 5\n", text);
    }

    [Fact]
    public async Task AClientNoServerTakes_HasADuration_AndNoConnectTime()
    {
        using var refused = ScriptedBackend.Echo();
        var address = refused.EndPoint;
        refused.Dispose(); // nothing listens there now: the connect is refused
        using var proxy = new TestProxy([address]);
        using (var client = await proxy.ConnectAsync())
        {
            await Eventually.Within(client.WaitForCloseAsync());
        }
        proxy.WaitUntilIdle();

        var text = PrometheusText.Write(proxy.Proxy.Status());
        Assert.Contains($"tcplb_backend_connect_seconds_count{{backend=\"{address}\"}} 0\n", text);
        Assert.Contains("tcplb_connection_duration_seconds_count 1\n", text);
    }
}
