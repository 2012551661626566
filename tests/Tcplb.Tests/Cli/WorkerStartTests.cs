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
        var port = TcplbProcess.FreePort();
        using var tcplb = StartWithLauncher(dir, backend, port, workers: 3);

        Assert.Equal(2, tcplb.Children().Length);
        var launched = File.ReadAllLines(Path.Combine(dir.Path, "launched"));
        Assert.Equal([$"{TcplbProcess.BinaryPath} {port} --workers 3", $"{TcplbProcess.BinaryPath} {port} --workers 3"], launched);
        await AskThenStop(tcplb, port, clients: 9);
    }

    [Fact]
    public async Task ARestartTheSystemRefuses_IsSaidAndTriedAgain_UntilTheWorkerStarts()
    {
        using var backend = new HttpBackend("a");
        using var dir = new TempDirectory();
        var port = TcplbProcess.FreePort();
        using var tcplb = StartWithLauncher(dir, backend, port, workers: 2);
        var worker = tcplb.Children().Single();
        var launcher = Path.Combine(dir.Path, "launch");

        File.Move(launcher, launcher + ".away");
        Assert.True(TcplbProcess.SignalProcess(worker, TcplbProcess.SigKill));
        tcplb.WaitForLog($"msg=\"cannot start worker 1: {launcher}: No such file or directory\"");
        File.Move(launcher + ".away", launcher);
        Eventually.True(() => tcplb.Children() is [var restarted] && restarted != worker, () => "no new worker");
        await AskThenStop(tcplb, port, clients: 4);
        Assert.DoesNotContain("Unhandled exception", tcplb.StandardError);
    }

    /// <summary>
    /// tcplb in front of <paramref name="backend"/>, its workers started by ./launch: a script that notes its
    /// arguments in ./launched, then runs them (through the test's emulator, if any).
    /// </summary>
    private static TcplbProcess StartWithLauncher(TempDirectory dir, HttpBackend backend, int port, int workers)
    {
        dir.Write("hosts", $"127.0.0.1:{backend.Port}\n");
        var launcher = dir.Write("launch",
            $"#!/bin/bash\nprintf '%s\\n' \"$*\" >> '{Path.Combine(dir.Path, "launched")}'\nexec {string.Join(' ', TcplbProcess.Launcher)} \"$@\"\n");
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string> { ["TCPLB_WORKER_LAUNCHER"] = launcher };
        var tcplb = TcplbProcess.Start(dir.Path, null, environment, port.ToString(), "--workers", workers.ToString());
        tcplb.WaitForLog("msg=listening");
        return tcplb;
    }

    private static async Task AskThenStop(TcplbProcess tcplb, int port, int clients)
    {
        for (var i = 0; i < clients; i++)
        {
            Assert.Equal("a", await HttpBackend.AskAsync(new IPEndPoint(IPAddress.Loopback, port)));
        }
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }
}
