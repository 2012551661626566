using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary>The published binary, started from a directory holding a hosts file, as a user runs it.</summary>
public class BinaryTests
{
    [Fact]
    public async Task Run_HostsFileInTheCurrentDirectory_ServesThroughThePort_AndStopsCleanlyOnSigterm()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        using var dir = new TempDirectory();
        dir.Write("hosts", $"# demo\n127.0.0.1:{a.Port}\nlocalhost:{b.Port}\n");
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString());
        tcplb.WaitForLog("msg=listening port=" + port);

        var answers = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await HttpBackend.AskAsync(new IPEndPoint(IPAddress.Loopback, port)));
        }
        Assert.Superset(new HashSet<string> { "a", "b" }, answers);
        Assert.Contains(await HttpBackend.AskAsync(new IPEndPoint(IPAddress.IPv6Loopback, port)), answers); // dual-stack

        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
        Assert.Contains("msg=stopped", tcplb.StandardError);
    }

    [Fact]
    public async Task Sigterm_DuringATransfer_TheTransferCompletes_NewClientsAreRefused_AndExitIsZero()
    {
        using var echo = ScriptedBackend.Echo();
        using var dir = new TempDirectory();
        dir.Write("hosts", $"{echo.EndPoint}\n");
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString(), "--drain", "1m");
        tcplb.WaitForLog("msg=listening");

        var data = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        var echoed = client.HashToEndAsync();
        await client.SendAsync(data.AsMemory(0, 1024 * 1024));

        tcplb.Signal(TcplbProcess.SigTerm);
        tcplb.WaitForLog("msg=draining connections=1");
        var refused = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await late.ConnectAsync(IPAddress.Loopback, port);
        });
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        await client.SendAsync(data.AsMemory(1024 * 1024));
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal((data.Length, Convert.ToHexString(SHA256.HashData(data))), await Eventually.Within(echoed));
        Assert.Equal(0, tcplb.WaitForExit());
    }

    [Fact]
    public async Task Sighup_RereadsTheHostsFile_AndAdminShowsTheNewServer()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        using var dir = new TempDirectory();
        dir.Write("hosts", $"127.0.0.1:{a.Port}\n");
        var port = TcplbProcess.FreePort();
        var adminPort = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString(), "--admin", $"127.0.0.1:{adminPort}", "--resolve-interval", "0",
            "--workers", "2");
        tcplb.WaitForLog("msg=listening");
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        Assert.Equal("a", await HttpBackend.AskAsync(endPoint));

        // Same size and a restored modification time: only the signal can reveal the change.
        var hosts = Path.Combine(dir.Path, "hosts");
        var written = File.GetLastWriteTimeUtc(hosts);
        dir.Write("hosts", $"127.0.0.1:{b.Port}\n");
        File.SetLastWriteTimeUtc(hosts, written);
        tcplb.Signal(TcplbProcess.SigHup);
        tcplb.WaitForLog("msg=\"hosts file reloaded\" servers=1 added=1 removed=1 worker=0");
        tcplb.WaitForLog("msg=\"hosts file reloaded\" servers=1 added=1 removed=1 worker=1"); // passed on to the other worker
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("b", await HttpBackend.AskAsync(endPoint));
        }

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{adminPort}/metrics");
        Assert.Contains($"tcplb_backend_up{{backend=\"127.0.0.1:{b.Port}\"}} 1", metrics);
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }

    [Fact]
    public async Task DrainTimeOver_RemainingConnectionsAreClosedWithFin_AndExitIsZero()
    {
        using var echo = ScriptedBackend.Echo();
        using var dir = new TempDirectory();
        dir.Write("hosts", $"{echo.EndPoint}\n");
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString(), "--drain", "200ms", "--access-log");
        tcplb.WaitForLog("msg=listening");
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        await client.SendAsync("x"u8.ToArray());
        await client.ReadExactlyAsync(1);

        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.True(await Eventually.Within(client.WaitForCloseAsync()), "closed with FIN");
        Assert.Equal(0, tcplb.WaitForExit());
        Assert.Contains("msg=\"drain time over; closing the remaining connections\" connections=1", tcplb.StandardError);
        Assert.Contains("reason=shutdown", tcplb.StandardError);
    }

    [Fact]
    public async Task OutOfDescriptors_ClientsWaitInTheBacklog_AndTheConditionIsLoggedOnce()
    {
        using var echo = ScriptedBackend.Echo();
        using var dir = new TempDirectory();
        dir.Write("hosts", $"{echo.EndPoint}\n");
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, fileLimit: 48, port.ToString());
        tcplb.WaitForLog("msg=listening");

        // 100 clients at once against room for about 17: each is served, holds on a moment, and leaves.
        var outcomes = await Eventually.Within(Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                await client.SendAsync(new[] { (byte)i });
                var echoed = await client.ReadExactlyAsync(1);
                await Task.Delay(200);
                return echoed[0] == (byte)i;
            }
            catch (SocketException)
            {
                return false;
            }
        })));

        var served = outcomes.Count(ok => ok);
        var warnings = tcplb.StandardError.Split('\n').Count(line => line.Contains("out of file descriptors"));
        Assert.True(served >= 90, $"{served} of 100 served; log:\n{tcplb.StandardError}");
        Assert.InRange(warnings, 1, 2);
        Assert.DoesNotContain("cannot open a server socket", tcplb.StandardError);
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }

    [Fact]
    public async Task SighupStormDuringATransfer_ThenSigtermWithHundredsIdle_NothingInFlightIsLost()
    {
        using var echo = new ScriptedBackend(ScriptedBackend.EchoHandler, backlog: 1024);
        using var dir = new TempDirectory();
        dir.Write("hosts", $"{echo.EndPoint}\n");
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString(), "--drain", "500ms");
        tcplb.WaitForLog("msg=listening");
        var idle = await Task.WhenAll(Enumerable.Range(0, 500).Select(async _ =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            await socket.SendAsync("i"u8.ToArray());
            await socket.ReadExactlyAsync(1);
            return socket;
        }));

        var data = RandomNumberGenerator.GetBytes(4 * 1024 * 1024);
        using var busy = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await busy.ConnectAsync(IPAddress.Loopback, port);
        var echoed = busy.HashToEndAsync();
        for (var offset = 0; offset < data.Length; offset += 64 * 1024)
        {
            await busy.SendAsync(data.AsMemory(offset, 64 * 1024));
            tcplb.Signal(TcplbProcess.SigHup); // a reload per chunk: 64 in all
        }
        busy.Shutdown(SocketShutdown.Send);
        Assert.Equal((data.Length, Convert.ToHexString(SHA256.HashData(data))), await Eventually.Within(echoed));

        tcplb.Signal(TcplbProcess.SigTerm);
        var closes = await Eventually.Within(Task.WhenAll(idle.Select(s => s.WaitForCloseAsync())));
        Assert.All(closes, Assert.True); // FIN for every idle client once the drain time is over
        Assert.Equal(0, tcplb.WaitForExit());
        foreach (var socket in idle)
        {
            socket.Dispose();
        }
    }

    [Fact]
    public async Task SmallGcHeapLimit_AsInAContainer_TheDefaultBuffersStillFit()
    {
        // A container with a 128 MiB memory limit gives the GC a 96 MiB heap limit; the default slab is
        // 10,000 x 32 KiB = 312 MiB of address space, most of it never touched. It must not count.
        using var echo = ScriptedBackend.Echo();
        using var dir = new TempDirectory();
        dir.Write("hosts", $"{echo.EndPoint}\n");
        var port = TcplbProcess.FreePort();
        var limit = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "6000000" }; // hexadecimal: 96 MiB
        using var tcplb = TcplbProcess.Start(dir.Path, null, limit, port.ToString());
        tcplb.WaitForLog("msg=listening");
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            await client.SendAsync("ok"u8.ToArray());
            Assert.Equal("ok"u8.ToArray(), await client.ReadExactlyAsync(2));
        }
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }

    [Fact]
    public void Help_And_Version_ExitZero()
    {
        using var dir = new TempDirectory();
        var help = TcplbProcess.Run(dir.Path, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("usage: tcplb [ADDR:]PORT [options]", help.Stdout);
        Assert.Contains("--connect-timeout DUR", help.Stdout);
        var version = TcplbProcess.Run(dir.Path, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^tcplb \d+\.\d+\.\d+\s*$", version.Stdout);
    }

    [Theory]
    [InlineData(new string[0], "tcplb: missing PORT")]
    [InlineData(new[] { "99999" }, "tcplb: PORT must be a number from 1 to 65535, not '99999'")]
    [InlineData(new[] { "7777", "--frobnicate" }, "tcplb: unknown option '--frobnicate'")]
    [InlineData(new[] { "7777", "--cooldown", "10" }, "tcplb: --cooldown: '10' needs a unit: ms, s, m or h")]
    [InlineData(new[] { "7777", "--balance", "fair" }, "tcplb: --balance: unknown policy 'fair' (round-robin, least-conn, random2, source-hash)")]
    public void BadArguments_OneLineNamingTheProblem_PlusUsage_ExitTwo(string[] args, string message)
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:1\n");
        var (code, _, stderr) = TcplbProcess.Run(dir.Path, args);
        Assert.Equal(2, code);
        Assert.Equal([message, "usage: tcplb [ADDR:]PORT [options]   (tcplb --help for the options)"], Lines(stderr));
    }

    [Theory]
    [InlineData("127.0.0.1:5000\nlocalhost:99999\n", "tcplb: hosts:2: port 99999 out of range (1-65535)")]
    [InlineData("# only comments\n", "tcplb: hosts: no servers listed (one HOST:PORT per line)")]
    [InlineData("::1:5000\n", "tcplb: hosts:1: IPv6 address must be in brackets: '[::1]:5000'")]
    public void BadHostsFile_OneLineWithFileAndLine_ExitTwo(string hosts, string message)
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", hosts);
        var (code, _, stderr) = TcplbProcess.Run(dir.Path, TcplbProcess.FreePort().ToString());
        Assert.Equal(2, code);
        Assert.Equal([message], Lines(stderr));
    }

    [Fact]
    public void MissingHostsFile_SaysWhichPath_ExitTwo()
    {
        using var dir = new TempDirectory();
        var (code, _, stderr) = TcplbProcess.Run(dir.Path, TcplbProcess.FreePort().ToString());
        Assert.Equal(2, code);
        Assert.Equal([$"tcplb: hosts file not found: {Path.Combine(dir.Path, "hosts")}"], Lines(stderr));
    }

    [Fact]
    public void PortInUse_ClearError_ExitOne()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:1\n");
        using var taken = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        taken.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var (code, _, stderr) = TcplbProcess.Run(dir.Path, port.ToString());
        Assert.Equal(1, code);
        Assert.Contains($"tcplb: cannot listen on port {port}: address already in use", stderr);
    }

    [Fact]
    public void Probe_ExitsZeroForAnOpenPort_AndOneForAClosedOne()
    {
        using var echo = ScriptedBackend.Echo();
        using var dir = new TempDirectory();
        Assert.Equal(0, TcplbProcess.Run(dir.Path, "--probe", echo.EndPoint.ToString()).ExitCode);
        var closed = TcplbProcess.Run(dir.Path, "--probe", $"127.0.0.1:{TcplbProcess.FreePort()}");
        Assert.Equal(1, closed.ExitCode);
        Assert.Contains("does not accept connections", closed.Stderr);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
