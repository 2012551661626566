using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary>
/// <c>--tcp-keepalive</c> on the published binary: the kernel's own view (<c>ss -o</c>) of tcplb's two sockets of
/// a connection, the accepted one (inherited from the listener) and the one to the server.
/// </summary>
public partial class KeepAliveTests
{
    [Theory]
    [InlineData(new[] { "--tcp-keepalive", "45s:5s:3" }, 2)]
    [InlineData(new string[0], 0)] // the kernel's two hours show in minutes
    public async Task TcpKeepAlive_IsOnTheClientAndTheServerSocket(string[] options, int underAMinute)
    {
        using var backend = ScriptedBackend.Echo();
        using var dir = new TempDirectory();
        dir.Write("hosts", $"{backend.EndPoint}\n");
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, [port.ToString(), "--workers", "1", .. options]);
        tcplb.WaitForLog("msg=listening");
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        await client.SendAsync("x"u8.ToArray());
        await Eventually.Within(client.ReadExactlyAsync(1));

        // tcplb's sockets: the accepted one (local port = tcplb's) and the one to the backend (remote port = the backend's).
        var sockets = Ss($"( sport = :{port} or dport = :{backend.EndPoint.Port} )");
        Assert.Equal(2, sockets.Length);
        Assert.All(sockets, line => Assert.Contains("timer:(keepalive,", line));
        Assert.Equal(underAMinute, sockets.Count(line => KeepAliveSeconds().IsMatch(line)));
    }

    [GeneratedRegex(@"timer:\(keepalive,\d+sec,")]
    private static partial Regex KeepAliveSeconds();

    private static string[] Ss(string filter)
    {
        using var ss = Process.Start(new ProcessStartInfo("ss", ["-tnoH", "state", "established", filter]) { RedirectStandardOutput = true })!;
        var output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
