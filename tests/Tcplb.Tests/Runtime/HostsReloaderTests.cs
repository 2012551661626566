using System.Net;
using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Runtime;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Runtime;

public class HostsReloaderTests : IDisposable
{
    private readonly StringWriter _log = new();
    private readonly FakeTimeProvider _time = new();
    private readonly TempDirectory _dir = new();
    private readonly Dictionary<string, IPAddress[]> _dns = new();

    private Log Log => new(TextWriter.Synchronized(_log), LogLevel.Debug, _time);

    /// <summary>Routes loaded from the hosts file as start-up would, and their reloader, on the fake clock and fake DNS.</summary>
    private (RouteTable Routes, HostsReloader Reloader) Start(string hosts, TimeSpan? resolveInterval = null)
    {
        var path = _dir.Write("hosts", hosts);
        var entries = HostsFile.Load(path);
        var resolver = new HostsResolver(Log, name => _dns.TryGetValue(name, out var a) ? a : throw new SocketException((int)SocketError.HostNotFound));
        var routes = new RouteTable(resolver.Resolve(entries), (_, members) => new BackendPool(members, new RoundRobinPolicy(), TimeSpan.FromSeconds(10), _time, Log));
        return (routes, new HostsReloader(path, entries, routes, resolver, resolveInterval ?? TimeSpan.FromSeconds(30), _time, Log));
    }

    private static string[] Names(RouteTable routes) => [.. routes.Servers.Select(s => s.Name)];

    [Fact]
    public void EditedFile_IsPickedUpAtTheNextCheck()
    {
        var (routes, reloader) = Start("127.0.0.1:1\n");
        _dir.Write("hosts", "127.0.0.1:2\n");
        reloader.Check();
        Assert.Equal(["127.0.0.1:2"], Names(routes));
        Assert.Contains("msg=\"hosts file reloaded\" servers=1 added=1 removed=1", _log.ToString());
    }

    [Fact]
    public void FileReplacedByRename_IsPickedUp_AndStateOfKeptServersSurvives_WithTheNewWeight()
    {
        var (routes, reloader) = Start("127.0.0.1:1\n127.0.0.1:2\n");
        var kept = routes.Servers[1];
        routes.Default!.Pool.ReportConnectFailure(kept, "refused");

        var staged = _dir.Write("hosts.new", "127.0.0.1:2 weight=3\n127.0.0.1:3 weight=4\n");
        File.Move(staged, Path.Combine(_dir.Path, "hosts"), overwrite: true);
        reloader.Check();

        var servers = routes.Servers;
        Assert.Equal(["127.0.0.1:2", "127.0.0.1:3"], Names(routes));
        Assert.Same(kept.State, servers[0].State);
        Assert.Equal((1, 3, 1), (servers[0].State.ConsecutiveFailures, servers[0].Weight, kept.Weight));
        Assert.Equal(4, servers[1].Weight);
    }

    [Fact]
    public void BadFile_IsReportedWithItsLine_AndTheLastGoodListStays()
    {
        var (routes, reloader) = Start("127.0.0.1:1\n");
        _dir.Write("hosts", "127.0.0.1:1\n127.0.0.1:99999\n");
        reloader.Check();

        Assert.Equal(["127.0.0.1:1"], Names(routes));
        Assert.Contains("level=error msg=\"hosts file not reloaded; keeping the last good servers\"", _log.ToString());
        Assert.Contains("hosts:2: port 99999 out of range", _log.ToString());
    }

    [Fact]
    public void CheckPort_AReloadChangesIt_KeepingTheServersState_AndABadOneKeepsTheLastGoodList()
    {
        var (routes, reloader) = Start("127.0.0.1:5432 check-port=8008\n");
        var state = routes.Servers[0].State;
        _dir.Write("hosts", "127.0.0.1:5432 check-port=8009\n");
        reloader.Check();
        Assert.Equal((8009, state), (routes.Servers[0].CheckPort, routes.Servers[0].State));

        _dir.Write("hosts", "127.0.0.1:5432 check-port=x\n");
        reloader.Check();
        Assert.Equal(8009, routes.Servers[0].CheckPort);
        Assert.Contains("hosts:1: check-port 'x' must be a port number from 1 to 65535", _log.ToString());
    }

    [Fact]
    public void RequestReload_RereadsAnUnchangedFile()
    {
        var (_, reloader) = Start("127.0.0.1:1\n");
        reloader.RequestReload();
        reloader.Check();
        Assert.Contains("msg=\"hosts file reloaded\" servers=1 added=0 removed=0", _log.ToString());
    }

    [Fact]
    public void Names_AreResolvedAgainOnlyWhenTheIntervalHasPassed_AndFollowTheirAddresses()
    {
        _dns["backend"] = [IPAddress.Parse("10.0.0.1")];
        var (routes, reloader) = Start("backend:80\n", TimeSpan.FromSeconds(30));
        _dns["backend"] = [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2")];

        _time.Advance(TimeSpan.FromSeconds(29));
        reloader.Check();
        Assert.Equal(["10.0.0.1:80"], Names(routes));

        _time.Advance(TimeSpan.FromSeconds(1));
        reloader.Check();
        Assert.Equal(["10.0.0.1:80", "10.0.0.2:80"], Names(routes));
        Assert.Contains("msg=\"names resolved again\" servers=2 added=1 removed=0", _log.ToString());
    }

    [Fact]
    public void NameThatStopsResolving_KeepsItsLastAddresses()
    {
        _dns["backend"] = [IPAddress.Parse("10.0.0.1")];
        var (routes, reloader) = Start("backend:80\n", TimeSpan.FromSeconds(1));
        _dns.Clear();
        _time.Advance(TimeSpan.FromSeconds(2));
        reloader.Check();
        Assert.Equal(["10.0.0.1:80"], Names(routes));
    }

    public void Dispose() => _dir.Dispose();
}
