using System.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary>How the published binary starts its worker processes: through TCPLB_WORKER_LAUNCHER when set, and what a start that fails says.</summary>
public class WorkerStartTests
{
    [Fact]
    public void AWorkerThatCannotBeStarted_OneLineNamingTheCause_ExitOne()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:9\n");
        var environment = new Dictionary<string, string> { ["TCPLB_WORKER_LAUNCHER"] = "/nonexistent/launcher --flag" };
        using var tcplb = TcplbProcess.Start(dir.Path, null, environment, TcplbProcess.FreePort().ToString(), "--workers", "2");

        Assert.Equal(1, tcplb.WaitForExit());
        var errors = tcplb.StandardError.Split('\n').Where(line => line.Contains("level=error", StringComparison.Ordinal)).ToArray();
        var error = Assert.Single(errors);
        Assert.Contains("msg=\"cannot start worker 1: /nonexistent/launcher: No such file or directory\"", error);
        Assert.DoesNotContain("Unhandled exception", tcplb.StandardError);
        Assert.DoesNotContain("msg=listening", tcplb.StandardError);
    }

    [Fact]
    public async Task ALauncher_StartsEachWorker_WithTheBinaryAndItsArguments()
    {
        using var backend = new HttpBackend("a");
        using var dir = new TempDirectory();
        dir.Write("hosts", $"127.0.0.1:{backend.Port}\n");
        var record = Path.Combine(dir.Path, "launched");
        // The launcher notes its arguments, then runs them (through the emulator when the binary needs one).
        dir.Write("launch", $"printf '%s\\n' \"$*\" >> '{record}'\nexec {string.Join(' ', TcplbProcess.Launcher)} \"$@\"\n");
        var environment = new Dictionary<string, string> { ["TCPLB_WORKER_LAUNCHER"] = $"bash {Path.Combine(dir.Path, "launch")}" };
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, null, environment, port.ToString(), "--workers", "3");
        tcplb.WaitForLog("msg=listening");

        Assert.Equal(2, tcplb.Children().Length);
        var launched = File.ReadAllLines(record);
        Assert.Equal([$"{TcplbProcess.BinaryPath} {port} --workers 3", $"{TcplbProcess.BinaryPath} {port} --workers 3"], launched);
        for (var i = 0; i < 9; i++)
        {
            Assert.Equal("a", await HttpBackend.AskAsync(new IPEndPoint(IPAddress.Loopback, port)));
        }
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }
}
