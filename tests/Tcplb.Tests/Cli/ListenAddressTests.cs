using System.Net;
using System.Net.Sockets;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary><c>tcplb [ADDR:]PORT</c> on the published binary, with two worker processes sharing the address.</summary>
public class ListenAddressTests
{
    [Theory]
    [InlineData("{0}", "*:{0}", new[] { "127.0.0.1", "127.0.0.2", "::1" }, new string[0])]
    [InlineData("127.0.0.1:{0}", "127.0.0.1:{0}", new[] { "127.0.0.1" }, new[] { "127.0.0.2", "::1" })]
    [InlineData("0.0.0.0:{0}", "0.0.0.0:{0}", new[] { "127.0.0.1", "127.0.0.2" }, new[] { "::1" })]
    [InlineData("[::1]:{0}", "[::1]:{0}", new[] { "::1" }, new[] { "127.0.0.1" })]
    [InlineData("[::]:{0}", "[::]:{0}", new[] { "127.0.0.2", "::1" }, new string[0])]
    public async Task Listen_ServesOnlyWhereItIsTold_AndTheLogAndStatusSayWhere(string argument, string shown, string[] served, string[] refused)
    {
        using var backend = new HttpBackend("a");
        using var dir = new TempDirectory();
        dir.Write("hosts", $"127.0.0.1:{backend.Port}\n");
        var port = TcplbProcess.FreePort();
        var adminPort = TcplbProcess.FreePort();
        var listen = string.Format(argument, port);
        using var tcplb = TcplbProcess.Start(dir.Path, listen, "--workers", "2", "--admin", $"127.0.0.1:{adminPort}");
        tcplb.WaitForLog("msg=listening");
        Assert.Contains($" listen={string.Format(shown, port)} ", tcplb.StandardError);
        using var http = new HttpClient();
        Assert.Contains($"\"listen\": \"{string.Format(shown, port)}\"", await http.GetStringAsync($"http://127.0.0.1:{adminPort}/status"));

        foreach (var address in served)
        {
            for (var i = 0; i < 4; i++) // both workers' sockets, whichever the kernel picks
            {
                Assert.Equal("a", await HttpBackend.AskAsync(new IPEndPoint(IPAddress.Parse(address), port)));
            }
        }
        foreach (var address in refused)
        {
            using var client = new Socket(IPAddress.Parse(address).AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            var error = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Parse(address), port));
            Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        }
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }

    [Fact]
    public void Validate_ShowsTheListenAddress_AndCountsInTheSingular()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:5000\n");
        var (exit, stdout, _) = TcplbProcess.Run(dir.Path, "127.0.0.1:7777", "--validate", "--workers", "1");
        Assert.Equal(0, exit);
        Assert.StartsWith("tcplb: configuration ok: listen 127.0.0.1:7777, balance round-robin, 1 server, 1 worker\n", stdout);
    }

    [Theory]
    [InlineData("localhost:7777", "tcplb: listen address 'localhost:7777': 'localhost' is not an IP address (host names are not resolved; such as 127.0.0.1:7777 or [::1]:7777)")]
    [InlineData("::1:7777", "tcplb: listen address '::1:7777': an IPv6 address goes in brackets, such as [::1]:7777")]
    [InlineData("127.0.0.1:http", "tcplb: listen address '127.0.0.1:http' must be PORT or ADDR:PORT with a port from 1 to 65535, such as 7777, 127.0.0.1:7777 or [::1]:7777")]
    public void Listen_HostNameOrMalformed_OneLine_ExitTwo(string listen, string message)
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:5000\n");
        var (exit, _, stderr) = TcplbProcess.Run(dir.Path, listen, "--validate");
        Assert.Equal(2, exit);
        Assert.Equal(message, stderr.Split('\n')[0]);
    }

    [Fact]
    public void Listen_AddressTaken_SaysWhichAddress_ExitOne()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:5000\n");
        using var taken = TcplbProcess.Listening(IPAddress.Loopback);
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var (exit, _, stderr) = TcplbProcess.Run(dir.Path, $"127.0.0.1:{port}", "--workers", "2");
        Assert.Equal(1, exit);
        Assert.Equal($"tcplb: cannot listen on 127.0.0.1:{port}: address already in use", stderr.Trim());
    }
}
