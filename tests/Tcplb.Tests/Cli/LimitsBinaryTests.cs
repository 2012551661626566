using System.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary>Health checks and limits through the published binary: flags, variables, workers, reloads.</summary>
public class LimitsBinaryTests
{
    [Fact]
    public async Task LimitsSet_WithWorkersAuto_RunOneWorkerPerCore_AndServe()
    {
        using var backend = new HttpBackend("a");
        using var dir = new TempDirectory();
        dir.Write("hosts", $"127.0.0.1:{backend.Port} maxconn=5\n");
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString(), "--max-conns-per-client", "2");
        tcplb.WaitForLog("msg=listening");
        Assert.Contains($"workers={Environment.ProcessorCount}", tcplb.StandardError);
        Assert.Equal(Environment.ProcessorCount - 1, tcplb.Children().Length);
        Assert.Equal("a", await HttpBackend.AskAsync(new IPEndPoint(IPAddress.Loopback, port)));
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }

    [Fact]
    public void BadMaxConn_OneLine_ExitTwo()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:1 maxconn=x\n");
        var (code, _, stderr) = TcplbProcess.Run(dir.Path, "7777");
        Assert.Equal(2, code);
        Assert.Equal("tcplb: hosts:1: maxconn 'x' must be a whole number from 1 to 1000000", stderr.Trim().Split('\n')[0]);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Validate_ShowsEachServersMaxConn()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:5432 weight=2 maxconn=90\n127.0.0.1:5433\n");
        var (code, stdout, _) = TcplbProcess.Run(dir.Path, "7777", "--validate");
        Assert.Equal(0, code);
        Assert.Contains("127.0.0.1:5432 host=127.0.0.1:5432 weight=2 maxconn=90\n", stdout);
        Assert.Contains("127.0.0.1:5433 host=127.0.0.1:5433 weight=1\n", stdout);
        Assert.Contains($", 2 servers, {Environment.ProcessorCount} workers\n", stdout);
    }

    [Fact]
    public async Task ReloadThatAddsMaxConn_UnderTwoWorkers_IsApplied()
    {
        using var dir = new TempDirectory();
        var hosts = dir.Write("hosts", "127.0.0.1:1\n");
        var adminPort = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, TcplbProcess.FreePort().ToString(), "--workers", "2", "--admin", $"127.0.0.1:{adminPort}");
        tcplb.WaitForLog("msg=listening");
        File.WriteAllText(hosts, "127.0.0.1:1 maxconn=2\n");
        tcplb.Signal(TcplbProcess.SigHup);
        tcplb.WaitForLog("msg=\"hosts file reloaded\" servers=1 added=0 removed=0 worker=1");
        using var http = new HttpClient();
        Assert.Contains("tcplb_backend_max_connections{backend=\"127.0.0.1:1\"} 2\n", await http.GetStringAsync($"http://127.0.0.1:{adminPort}/metrics"));
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }

    [Fact]
    public void ChecksFromTheEnvironment_TakeARefusingServerDown_WithNoClient()
    {
        using var dir = new TempDirectory();
        var dead = TcplbProcess.FreePort();
        dir.Write("hosts", $"127.0.0.1:{dead}\n");
        var environment = new Dictionary<string, string> { ["TCPLB_CHECK_INTERVAL"] = "200ms", ["TCPLB_CHECK_FALL"] = "2" };
        using var tcplb = TcplbProcess.Start(dir.Path, null, environment, TcplbProcess.FreePort().ToString(), "--workers", "1");
        tcplb.WaitForLog($"msg=\"server down\" server=127.0.0.1:{dead} reason=check detail=refused");
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }
}
