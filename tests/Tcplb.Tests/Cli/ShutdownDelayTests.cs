using System.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary><c>--shutdown-delay</c> on the published binary: what an orchestrator sees during a rolling update.</summary>
public class ShutdownDelayTests
{
    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task Sigterm_Healthz503AtOnce_NewClientsStillServedThroughTheDelay_ThenExitZero(string workers)
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
}
