using System.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary><c>--workers 2</c> on the published binary: two processes on one port that act as one balancer.</summary>
public class WorkersTests
{
    private static (TempDirectory Dir, TcplbProcess Tcplb, IPEndPoint EndPoint, int AdminPort) Start(HttpBackend backend, int workers = 2)
    {
        var dir = new TempDirectory();
        dir.Write("hosts", $"127.0.0.1:{backend.Port}\n");
        var port = TcplbProcess.FreePort();
        var adminPort = TcplbProcess.FreePort();
        var tcplb = TcplbProcess.Start(dir.Path, port.ToString(), "--workers", workers.ToString(), "--admin", $"127.0.0.1:{adminPort}");
        tcplb.WaitForLog("msg=listening");
        return (dir, tcplb, new IPEndPoint(IPAddress.Loopback, port), adminPort);
    }

    [Fact]
    public async Task TwoProcessesServeThePort_AndTheAdminEndpointCountsForBoth()
    {
        using var backend = new HttpBackend("a");
        var (dir, tcplb, endPoint, adminPort) = Start(backend);
        using (dir)
        using (tcplb)
        {
            Assert.Single(tcplb.Children());
            Assert.Contains("workers=2", tcplb.StandardError);
            for (var i = 0; i < 40; i++)
            {
                Assert.Equal("a", await HttpBackend.AskAsync(endPoint));
            }
            using var http = new HttpClient();
            var metrics = await http.GetStringAsync($"http://127.0.0.1:{adminPort}/metrics");
            Assert.Contains("tcplb_connections_total 40\n", metrics);
            Assert.Contains("tcplb_buffer_slices 10000\n", metrics); // each worker holds half of --max-conns
            Assert.Contains($"tcplb_backend_connections_total{{backend=\"{backend.EndPoint}\"}} 40\n", metrics);
            tcplb.Signal(TcplbProcess.SigTerm);
            Assert.Equal(0, tcplb.WaitForExit());
        }
    }

    [Fact]
    public async Task FortyConnections_AreFortyDurations_AndFortyConnectTimes_CountedOnceForBothWorkers()
    {
        using var backend = new HttpBackend("a");
        var (dir, tcplb, endPoint, adminPort) = Start(backend);
        using (dir)
        using (tcplb)
        {
            for (var i = 0; i < 40; i++)
            {
                Assert.Equal("a", await HttpBackend.AskAsync(endPoint));
            }
            using var http = new HttpClient();
            var metrics = "";
            Eventually.True(() => (metrics = http.GetStringAsync($"http://127.0.0.1:{adminPort}/metrics").GetAwaiter().GetResult())
                .Contains("tcplb_connections_active 0\n"), () => metrics); // a duration is counted when its connection is released
            Assert.Contains("tcplb_connection_duration_seconds_count 40\n", metrics);
            Assert.Contains("tcplb_connection_duration_seconds_bucket{le=\"+Inf\"} 40\n", metrics);
            Assert.Contains($"tcplb_backend_connect_seconds_count{{backend=\"{backend.EndPoint}\"}} 40\n", metrics);
            tcplb.Signal(TcplbProcess.SigTerm);
            Assert.Equal(0, tcplb.WaitForExit());
        }
    }

    [Fact]
    public async Task AWorkerThatDies_IsStartedAgain_AndServiceGoesOn()
    {
        using var backend = new HttpBackend("a");
        var (dir, tcplb, endPoint, _) = Start(backend);
        using (dir)
        using (tcplb)
        {
            var worker = tcplb.Children().Single();
            Assert.True(TcplbProcess.SignalProcess(worker, TcplbProcess.SigKill));
            tcplb.WaitForLog("msg=\"worker exited; starting it again\" worker=1 exit_code=137");
            Eventually.True(() => tcplb.Children() is [var restarted] && restarted != worker, () => "no new worker");
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal("a", await HttpBackend.AskAsync(endPoint));
            }
            tcplb.Signal(TcplbProcess.SigTerm);
            Assert.Equal(0, tcplb.WaitForExit());
        }
    }

    /// <summary>systemd's default stop and <c>timeout</c> signal every process of the group: each worker drains once.</summary>
    [Fact]
    public async Task SigtermToTheWholeGroup_EveryWorkerDrains_AndExitIsZero()
    {
        using var backend = new HttpBackend("a");
        var (dir, tcplb, endPoint, adminPort) = Start(backend);
        using (dir)
        using (tcplb)
        {
            var held = new List<System.Net.Sockets.Socket>();
            for (var i = 0; i < 6; i++)
            {
                var client = new System.Net.Sockets.Socket(endPoint.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await client.ConnectAsync(endPoint);
                held.Add(client);
            }
            // Accepted, not only queued: a connection still in a listening socket's queue when the drain starts is
            // reset (a slow machine, or the binary under emulation, shows it).
            using var http = new HttpClient();
            Eventually.True(() => http.GetStringAsync($"http://127.0.0.1:{adminPort}/metrics").Result.Contains("tcplb_connections_active 6\n"),
                () => "the six clients were not all accepted");
            var worker = tcplb.Children().Single();
            tcplb.Signal(TcplbProcess.SigTerm);
            Assert.True(TcplbProcess.SignalProcess(worker, TcplbProcess.SigTerm));
            foreach (var client in held)
            {
                using (client)
                {
                    await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
                    Assert.EndsWith("a\n", System.Text.Encoding.ASCII.GetString(await Eventually.Within(client.ReadToEndAsync())));
                }
            }
            Assert.Equal(0, tcplb.WaitForExit());
            Assert.DoesNotContain("second stop signal", tcplb.StandardError);
        }
    }

    [Fact]
    public void WhenTheFirstWorkerDies_TheOthersStopToo()
    {
        using var backend = new HttpBackend("a");
        var (dir, tcplb, _, _) = Start(backend);
        using (dir)
        using (tcplb)
        {
            var worker = tcplb.Children().Single();
            tcplb.Signal(TcplbProcess.SigKill);
            Eventually.True(() => !Directory.Exists($"/proc/{worker}") || File.ReadAllText($"/proc/{worker}/stat").Contains(") Z "),
                () => $"worker {worker} still runs");
        }
    }

    /// <summary>Only tcplb's own workers share a port: .NET's ReuseAddress would have set SO_REUSEPORT, so tcplb sets SO_REUSEADDR itself.</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    public void ASecondTcplbOnTheSamePort_IsRefused(int firstWorkers, int secondWorkers)
    {
        using var backend = new HttpBackend("a");
        var (dir, tcplb, endPoint, _) = Start(backend, firstWorkers);
        using (dir)
        using (tcplb)
        {
            var (exit, _, stderr) = TcplbProcess.Run(dir.Path, endPoint.Port.ToString(), "--workers", secondWorkers.ToString());
            Assert.Equal(1, exit);
            Assert.Equal($"tcplb: cannot listen on port {endPoint.Port}: address already in use", stderr.Trim());
            tcplb.Signal(TcplbProcess.SigTerm);
            Assert.Equal(0, tcplb.WaitForExit());
        }
    }
}
