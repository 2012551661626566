using System.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary>Health checks and limits through the published binary: flags, variables, workers, reloads.</summary>
public class LimitsBinaryTests
{
    [Fact]
    public async Task MaxConnInTheHostsFile_WithWorkersAuto_RunsOneProcess_AndServes()
    {
        using var backend = new HttpBackend("a");
        using var dir = new TempDirectory();
        dir.Write("hosts", $"127.0.0.1:{backend.Port} maxconn=5\n");
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString());
        tcplb.WaitForLog("msg=listening");
        Assert.Contains("workers=1", tcplb.StandardError);
        Assert.Empty(tcplb.Children());
        Assert.Equal("a", await HttpBackend.AskAsync(new IPEndPoint(IPAddress.Loopback, port)));
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }

    [Theory]
    [InlineData("127.0.0.1:1\n127.0.0.1:2 maxconn=3\n", new[] { "--workers", "2" }, "tcplb: hosts:2: maxconn is counted in one process: use --workers 1 (or auto, which does)")]
    [InlineData("127.0.0.1:1\n", new[] { "--workers", "2", "--max-conns-per-client", "4" }, "tcplb: --max-conns-per-client is counted in one process")]
    [InlineData("127.0.0.1:1 maxconn=x\n", new string[0], "tcplb: hosts:1: maxconn 'x' must be a whole number from 1 to 1000000")]
    public void LimitsWithSeveralWorkers_OrABadMaxConn_OneLine_ExitTwo(string hosts, string[] args, string message)
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", hosts);
        var (code, _, stderr) = TcplbProcess.Run(dir.Path, ["7777", .. args]);
        Assert.Equal(2, code);
        Assert.StartsWith(message, stderr);
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
        Assert.Contains(", 2 servers, 1 worker\n", stdout);
    }

    [Fact]
    public void ReloadThatAddsMaxConn_UnderTwoWorkers_IsRefused_AndTheLastGoodListStays()
    {
        using var dir = new TempDirectory();
        var hosts = dir.Write("hosts", "127.0.0.1:1\n");
        using var tcplb = TcplbProcess.Start(dir.Path, TcplbProcess.FreePort().ToString(), "--workers", "2");
        tcplb.WaitForLog("msg=listening");
        File.WriteAllText(hosts, "127.0.0.1:1 maxconn=2\n");
        tcplb.Signal(TcplbProcess.SigHup);
        tcplb.WaitForLog("error=\"hosts:1: maxconn is counted in one process");
        Assert.Contains("msg=\"hosts file not reloaded; keeping the last good servers\"", tcplb.StandardError);
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
