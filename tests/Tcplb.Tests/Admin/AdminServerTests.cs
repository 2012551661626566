using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Tcplb.Admin;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Admin;

public class AdminServerTests
{
    /// <summary>An echo server, the proxy in front of it, and the admin endpoint of that proxy.</summary>
    private sealed class Rig : IDisposable
    {
        public Rig(params IPEndPoint[] extraServers)
        {
            Proxy = new TestProxy([Echo.EndPoint, .. extraServers]);
            Admin = new AdminServer(new IPEndPoint(IPAddress.Loopback, 0), Proxy.Proxy.Status);
            Admin.Start();
        }

        public ScriptedBackend Echo { get; } = ScriptedBackend.Echo();

        public TestProxy Proxy { get; }

        public AdminServer Admin { get; }

        public void Dispose()
        {
            Admin.Dispose();
            Proxy.Dispose();
            Echo.Dispose();
        }
    }

    private static async Task<(int Status, string Head, string Body)> Request(IPEndPoint endPoint, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        var text = Encoding.UTF8.GetString(await Eventually.Within(socket.ReadToEndAsync()));
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (int.Parse(text.AsSpan(9, 3)), text[..split], text[(split + 4)..]);
    }

    private static Task<(int Status, string Head, string Body)> Get(IPEndPoint endPoint, string path) =>
        Request(endPoint, $"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");

    [Fact]
    public async Task Metrics_HaveTheDesignNames_WithHelpTypeAndBackendLabels()
    {
        using var rig = new Rig();
        using (var client = await rig.Proxy.ConnectAsync())
        {
            await client.SendAsync("ping"u8.ToArray());
            await client.ReadExactlyAsync(4);
        }
        rig.Proxy.WaitUntilIdle();

        var (status, head, body) = await Get(rig.Admin.LocalEndPoint, "/metrics");
        Assert.Equal(200, status);
        Assert.Contains("Content-Type: text/plain; version=0.0.4", head);
        var backend = $"{{backend=\"{rig.Echo.EndPoint}\"}}";
        foreach (var line in new[]
        {
            "# TYPE tcplb_connections_active gauge", "tcplb_connections_active 0",
            "# TYPE tcplb_connections_total counter", "tcplb_connections_total 1",
            "# HELP tcplb_connections_rejected_total ", "tcplb_connections_rejected_total 0",
            $"tcplb_backend_up{backend} 1", $"tcplb_backend_connections_active{backend} 0",
            $"tcplb_backend_connections_total{backend} 1", $"tcplb_backend_connect_failures_total{backend} 0",
            $"tcplb_backend_bytes_sent_total{backend} 4", $"tcplb_backend_bytes_received_total{backend} 4",
            "# TYPE process_resident_memory_bytes gauge", "# TYPE process_open_fds gauge", "# TYPE tcplb_uptime_seconds gauge",
        })
        {
            Assert.Contains(line, body);
        }
    }

    [Fact]
    public async Task Status_IsJsonWithEveryServer_AndTheSlabCounts()
    {
        using var rig = new Rig(new IPEndPoint(IPAddress.Loopback, TcplbProcess.FreePort()));
        for (var i = 0; i < 2; i++)
        {
            using var client = await rig.Proxy.ConnectAsync(); // one of them finds the second server closed
            await client.SendAsync("x"u8.ToArray());
            await client.ReadExactlyAsync(1);
        }

        var (status, head, body) = await Get(rig.Admin.LocalEndPoint, "/status");
        Assert.Equal(200, status);
        Assert.Contains("Content-Type: application/json", head);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.True(root.GetProperty("accepting").GetBoolean());
        Assert.Equal(2, root.GetProperty("connections").GetProperty("total").GetInt64());
        Assert.Equal(4096, root.GetProperty("buffers").GetProperty("slices").GetInt32());
        var servers = root.GetProperty("servers").EnumerateArray().ToList();
        Assert.Equal(2, servers.Count);
        Assert.Equal(("up", 2L), (servers[0].GetProperty("state").GetString(), servers[0].GetProperty("total").GetInt64()));
        Assert.Equal(("cooldown", 1L), (servers[1].GetProperty("state").GetString(), servers[1].GetProperty("connect_failures").GetInt64()));
        Assert.True(servers[1].GetProperty("cooldown_seconds").GetDouble() > 0);
        Assert.All(servers, server => // without check-port= or --check-port, checks would go to the server's port
            Assert.EndsWith($":{server.GetProperty("check_port").GetInt32()}", server.GetProperty("address").GetString()));
    }

    [Fact]
    public async Task Healthz_Is200WhileAccepting_And503WhileDraining()
    {
        using var rig = new Rig();
        Assert.Equal(200, (await Get(rig.Admin.LocalEndPoint, "/healthz")).Status);
        rig.Proxy.Proxy.StopAccepting();
        var (status, _, body) = await Get(rig.Admin.LocalEndPoint, "/healthz");
        Assert.Equal((503, "draining\n"), (status, body));
    }

    [Fact]
    public async Task StatusPage_IsSelfContainedHtml()
    {
        using var rig = new Rig();
        var (status, head, body) = await Get(rig.Admin.LocalEndPoint, "/");
        Assert.Equal(200, status);
        Assert.Contains("text/html", head);
        Assert.Contains("fetch('status'", body);
        Assert.DoesNotContain("http://", body);
        Assert.DoesNotContain("https://", body);
    }

    [Theory]
    [InlineData("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 405)]
    [InlineData("GET /nothing HTTP/1.1\r\n\r\n", 404)]
    [InlineData("NONSENSE\r\n\r\n", 400)]
    public async Task OtherRequests_GetTheRightError(string request, int expected)
    {
        using var rig = new Rig();
        Assert.Equal(expected, (await Request(rig.Admin.LocalEndPoint, request)).Status);
    }

    [Fact]
    public async Task OversizedRequest_IsRefused()
    {
        using var rig = new Rig();
        var huge = "GET / HTTP/1.1\r\nX-Junk: " + new string('j', 9000) + "\r\n\r\n";
        Assert.Equal(400, (await Request(rig.Admin.LocalEndPoint, huge)).Status);
    }
}
