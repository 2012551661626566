using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary>The operator controls on the published binary, with worker processes: what an operator and an orchestrator see.</summary>
public class OperatorControlsTests
{
    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task ShutdownDelay_Sigterm_Healthz503AtOnce_NewClientsStillServedThroughTheDelay_ThenExitZero(string workers)
    {
        using var a = new HttpBackend("a");
        using var dir = new TempDirectory();
        dir.Write("hosts", $"127.0.0.1:{a.Port}\n");
        var port = TcplbProcess.FreePort();
        var adminPort = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString(), "--admin", $"127.0.0.1:{adminPort}", "--shutdown-delay", "5s",
            "--workers", workers);
        tcplb.WaitForLog("msg=listening");
        using var http = new HttpClient();
        var healthz = $"http://127.0.0.1:{adminPort}/healthz";
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(healthz)).StatusCode);

        tcplb.Signal(TcplbProcess.SigTerm);
        tcplb.WaitForLog("msg=\"stopping; still accepting for the shutdown delay\" shutdown_delay=5s");
        var response = await http.GetAsync(healthz);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "stopping\n"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
        for (var i = 0; i < 8; i++)
        {
            // Each on a new connection: with two workers the kernel hands some to each, and both still accept.
            Assert.Equal("a", await HttpBackend.AskAsync(new IPEndPoint(i % 2 == 0 ? IPAddress.Loopback : IPAddress.IPv6Loopback, port)));
        }

        Assert.Equal(0, tcplb.WaitForExit());
        Assert.Contains("msg=stopped", tcplb.StandardError);
    }

    [Fact]
    public async Task DrainAndBackup_SetByEditingTheHostsFile_WithTwoWorkers()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        using var dir = new TempDirectory();
        dir.Write("hosts", $"127.0.0.1:{a.Port}\n127.0.0.1:{b.Port} backup\n");
        var port = TcplbProcess.FreePort();
        var adminPort = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString(), "--admin", $"127.0.0.1:{adminPort}", "--workers", "2");
        tcplb.WaitForLog("msg=listening");
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("a", await HttpBackend.AskAsync(endPoint)); // the backup waits while the primary serves
        }

        dir.Write("hosts", $"127.0.0.1:{a.Port} drain\n127.0.0.1:{b.Port} backup\n");
        tcplb.WaitForLog("msg=\"hosts file reloaded\" servers=2 added=0 removed=0 worker=0");
        tcplb.WaitForLog("msg=\"hosts file reloaded\" servers=2 added=0 removed=0 worker=1");
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("b", await HttpBackend.AskAsync(endPoint)); // the primary drains: no primary is usable
        }
        using var http = new HttpClient();
        using var status = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{adminPort}/status"));
        Assert.Equal(["draining", "backup"], status.RootElement.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("state").GetString()));
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }

    [Fact]
    public async Task ShutdownDelay_ASecondSigtermDuringIt_EndsTheFirstAndEveryWorkerAtOnce()
    {
        using var echo = ScriptedBackend.Echo();
        using var dir = new TempDirectory();
        dir.Write("hosts", $"{echo.EndPoint}\n");
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString(), "--shutdown-delay", "10m", "--drain", "10m", "--workers", "2");
        tcplb.WaitForLog("msg=listening");
        var worker = tcplb.Children().Single();
        var held = new List<Socket>();
        for (var i = 0; i < 8; i++) // the kernel spreads them: each process holds some, which a drain would wait for
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Loopback, port);
            held.Add(client);
        }

        tcplb.Signal(TcplbProcess.SigTerm);
        tcplb.WaitForLog("still accepting for the shutdown delay");
        tcplb.Signal(TcplbProcess.SigTerm);

        // The worker first: a drain of its own would hold it (and the output pipes it shares) for the whole --drain.
        Eventually.True(() => !Directory.Exists($"/proc/{worker}") || File.ReadAllText($"/proc/{worker}/stat").Contains(") Z "),
            () => $"worker {worker} still runs");
        Assert.Equal(1, tcplb.WaitForExit());
        held.ForEach(socket => socket.Dispose());
    }
}
