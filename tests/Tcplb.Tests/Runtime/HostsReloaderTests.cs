using System.Net;
using Tcplb.Cli;
using Tcplb.Config;
using Tcplb.Runtime;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Runtime;

public class HostsReloaderTests
{
    private readonly StringWriter _log = new();

    private HostsReloader Reloader(TempDirectory dir, TestBalancer balancer)
    {
        var log = new Log(TextWriter.Synchronized(_log), LogLevel.Debug, TimeProvider.System);
        var path = Path.Combine(dir.Path, "hosts");
        return new HostsReloader(path, HostsFile.Load(path), balancer.Balancer, new HostsResolver(log), TimeSpan.FromSeconds(30), log);
    }

    [Fact]
    public async Task EditedFile_NewConnectionsFollowTheNewList_AndEstablishedOnesToARemovedServerGoOn()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        using var dir = new TempDirectory();
        dir.Write("hosts", $"127.0.0.1:{a.Port}\n");
        using var balancer = new TestBalancer([a.EndPoint]);
        using var reloader = Reloader(dir, balancer);
        using var established = await balancer.ConnectAsync();

        dir.Write("hosts", $"127.0.0.1:{b.Port}\n");
        reloader.Check();

        Assert.Equal([b.EndPoint.ToString()], balancer.Balancer.Pool.Servers.Select(s => s.Name));
        Assert.Equal("b", await HttpBackend.AskAsync(balancer));
        Assert.Contains("msg=\"hosts file reloaded\" servers=1 added=1 removed=1", _log.ToString());
        await established.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        Assert.EndsWith("a\n", System.Text.Encoding.ASCII.GetString(await Eventually.Within(established.ReadToEndAsync())));
    }

    [Fact]
    public void FileReplacedByRename_IsPickedUp_AndStateOfKeptServersSurvives()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:1\n127.0.0.1:2\n");
        using var balancer = new TestBalancer([IPEndPoint.Parse("127.0.0.1:1"), IPEndPoint.Parse("127.0.0.1:2")]);
        using var reloader = Reloader(dir, balancer);
        var kept = balancer.Balancer.Pool.Servers[1];
        balancer.Balancer.Pool.ReportConnectFailure(kept, "refused");

        var staged = dir.Write("hosts.new", "127.0.0.1:2\n127.0.0.1:3 weight=4\n");
        File.Move(staged, Path.Combine(dir.Path, "hosts"), overwrite: true);
        reloader.Check();

        var servers = balancer.Balancer.Pool.Servers;
        Assert.Equal(["127.0.0.1:2", "127.0.0.1:3"], servers.Select(s => s.Name));
        Assert.Same(kept, servers[0]);
        Assert.Equal(1, servers[0].ConsecutiveFailures);
        Assert.Equal(4, servers[1].Weight);
    }

    [Fact]
    public void BadFile_IsReportedWithItsLine_AndTheLastGoodListStays()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:1\n");
        using var balancer = new TestBalancer([IPEndPoint.Parse("127.0.0.1:1")]);
        using var reloader = Reloader(dir, balancer);

        dir.Write("hosts", "127.0.0.1:1\n127.0.0.1:99999\n");
        reloader.Check();

        Assert.Equal(["127.0.0.1:1"], balancer.Balancer.Pool.Servers.Select(s => s.Name));
        Assert.Contains("level=error msg=\"hosts file not reloaded; keeping the last good servers\"", _log.ToString());
        Assert.Contains("hosts:2: port 99999 out of range", _log.ToString());
    }

    [Fact]
    public void RequestReload_RereadsAnUnchangedFile()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:1\n");
        using var balancer = new TestBalancer([IPEndPoint.Parse("127.0.0.1:1")]);
        using var reloader = Reloader(dir, balancer);
        reloader.RequestReload();
        Eventually.True(() => _log.ToString().Contains("msg=\"hosts file reloaded\" servers=1 added=0 removed=0"), () => _log.ToString());
    }
}
