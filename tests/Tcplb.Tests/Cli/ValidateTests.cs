using System.Net;
using System.Net.Sockets;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary><c>tcplb PORT [options] --validate</c> on the published binary, as CI and deploy checks run it.</summary>
public class ValidateTests
{
    [Fact]
    public void GoodConfiguration_PrintsTheEffectiveServers_ExitsZero_AndBindsNothing()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:5000\nlocalhost:5001 weight=2\nnowhere.invalid:80\n127.0.0.1:5002 sni=API.example.com,*.example.com\n");
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Any, 0));
        taken.Listen(); // a port in use: a check that bound would fail on it
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        var (exit, stdout, stderr) = TcplbProcess.Run(dir.Path, port.ToString(), "--validate", "--balance", "least-conn");

        Assert.Equal(0, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"tcplb: configuration ok: listen *:{port}, balance least-conn, ", lines[0]);
        Assert.Contains("127.0.0.1:5000 host=127.0.0.1:5000 weight=1", lines);
        Assert.Contains("127.0.0.1:5002 host=127.0.0.1:5002 weight=1 routes=api.example.com,*.example.com", lines);
        Assert.Contains(lines, l => l.EndsWith(":5001 host=localhost:5001 weight=2", StringComparison.Ordinal));
        Assert.Contains("nowhere.invalid:80 weight=1 unresolved", lines);
        Assert.Contains("cannot resolve host name", stderr); // a warning, as at run time
        Assert.DoesNotContain("msg=listening", stderr);
    }

    [Fact]
    public void CheckPorts_AreShown_TheHostsWordWinningOverTheOption()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:5432 check-port=8008\n127.0.0.2:5432\n");
        var (exit, stdout, _) = TcplbProcess.Run(dir.Path, "7777", "--validate", "--check-interval", "1s", "--check-port", "9000");
        Assert.Equal(0, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("127.0.0.1:5432 host=127.0.0.1:5432 weight=1 check-port=8008", lines);
        Assert.Contains("127.0.0.2:5432 host=127.0.0.2:5432 weight=1 check-port=9000", lines);
    }

    [Theory]
    [InlineData("127.0.0.1:5000\n127.0.0.1:99999\n", new string[0], "tcplb: hosts:2: port 99999 out of range (1-65535)")]
    [InlineData("127.0.0.1:5000\n", new[] { "--idle-timeout", "soon" }, "tcplb: --idle-timeout: 'soon' is not a duration")]
    [InlineData("127.0.0.1:5000\n127.0.0.1:5001 sni=a*.example.com\n", new string[0], "tcplb: hosts:2: sni name 'a*.example.com' is not a host name or *.domain")]
    [InlineData("127.0.0.1:5000\n", new[] { "--sni-timeout", "0" }, "tcplb: --sni-timeout: '0' must be more than zero")]
    [InlineData("127.0.0.1:5432\n127.0.0.1:5433 check-port=x\n", new[] { "--check-interval", "1s" }, "tcplb: hosts:2: check-port 'x' must be a port number from 1 to 65535")]
    [InlineData("127.0.0.1:5432\n", new[] { "--check-interval", "1s", "--check-port", "70000" }, "tcplb: --check-port: '70000' must be a whole number from 1 to 65535")]
    [InlineData("127.0.0.1:5432\n", new[] { "--check-interval", "1s", "--check-http", "primary" }, "tcplb: --check-http: 'primary' must start with '/'")]
    [InlineData("127.0.0.1:5432\n", new[] { "--check-interval", "1s", "--on-down", "cut" }, "tcplb: --on-down: 'cut' must be keep or shutdown")]
    [InlineData("127.0.0.1:5000\n", new[] { "--deny", "10.0.0.0/8,10.1.2.0/33" },
        "tcplb: --deny: '10.1.2.0/33' is not an IPv4 or IPv6 address or prefix (such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32)")]
    [InlineData("127.0.0.1:5000\n", new[] { "--allow=fe80::/10,example.com" }, "tcplb: --allow: 'example.com' is not an IPv4 or IPv6 address")]
    [InlineData("127.0.0.1:5000\n127.0.0.1:5001 standby\n", new string[0], "tcplb: hosts:2: unexpected 'standby' (only weight=N")]
    public void BadConfiguration_OneLineNamingTheProblem_ExitTwo(string hosts, string[] options, string message)
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", hosts);
        var (exit, stdout, stderr) = TcplbProcess.Run(dir.Path, ["7777", "--validate", .. options]);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout.Trim());
        Assert.StartsWith("tcplb: ", stderr);
        Assert.Contains(message, stderr.Split('\n')[0]);
    }
}
