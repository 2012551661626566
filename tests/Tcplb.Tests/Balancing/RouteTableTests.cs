using System.Net;
using Tcplb.Backends;
using Tcplb.Balancing;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Balancing;

public class RouteTableTests
{
    private static Backend Server(int i, params string[] routes) =>
        new(new IPEndPoint(IPAddress.Parse($"10.0.0.{i}"), 443), $"s{i}:443", 1, routes.Length == 0 ? null : routes);

    private static RouteTable Table(params Backend[] servers) => new(servers, (_, members) =>
        new BackendPool(members, new RoundRobinPolicy(), TimeSpan.FromSeconds(10), new FakeTimeProvider(), new Log(TextWriter.Null, LogLevel.Error, TimeProvider.System)));

    private static string? RouteOf(RouteTable table, string serverName) => table.Find(serverName)?.Name;

    [Theory]
    [InlineData("api.example.com", "api.example.com")]
    [InlineData("www.example.com", "*.example.com")]
    [InlineData("example.com", "default")]
    [InlineData("a.b.example.com", "default")] // a wildcard matches one label
    [InlineData("x.api.example.com", "*.api.example.com")]
    [InlineData("other.test", "default")]
    [InlineData("", "default")]
    [InlineData("localhost", "localhost")]
    public void Find_ExactThenWildcardOfTheParentThenDefault(string serverName, string route)
    {
        var table = Table(Server(1, "api.example.com", "localhost"), Server(2, "*.example.com"), Server(3, "*.api.example.com"), Server(4));
        Assert.True(table.RoutesByName);
        Assert.Equal(route, RouteOf(table, serverName));
    }

    [Fact]
    public void Find_WithoutADefaultRoute_IsNull_ForNamesNoRouteServes()
    {
        var table = Table(Server(1, "api.example.com"));
        Assert.Null(table.Default);
        Assert.Null(table.Find("www.example.com"));
        Assert.Null(table.Find(""));
    }

    [Fact]
    public void WithoutSniNames_TheDefaultRouteHasEveryServer_AndNothingRoutesByName()
    {
        var table = Table(Server(1), Server(2));
        Assert.False(table.RoutesByName);
        Assert.Equal(["10.0.0.1:443", "10.0.0.2:443"], table.Default!.Pool.Servers.Select(s => s.Name));
    }

    [Fact]
    public void AServerOfSeveralRoutes_IsInEachPool_WithOneState()
    {
        var table = Table(Server(1, "a.test", "default"), Server(2, "a.test"));
        Assert.Equal(["a.test", "default"], table.Routes.Select(r => r.Name));
        Assert.Same(table.Find("a.test")!.Pool.Servers[0].State, table.Default!.Pool.Servers[0].State);
        Assert.Equal(2, table.Servers.Length);
    }

    [Fact]
    public void Replace_KeepsRoutesThatStay_WithTheirPoolAndCount_AndStateOfServersThatMove()
    {
        var table = Table(Server(1, "a.test"), Server(2, "b.test"));
        var a = table.Find("a.test")!;
        a.Counted();
        var movingState = table.Servers[1].State;

        var (added, removed) = table.Replace([Server(1, "a.test"), Server(2, "c.test"), Server(3)]);

        Assert.Equal((1, 0), (added, removed));
        Assert.Same(a, table.Find("a.test"));
        Assert.Equal(1, a.Connections);
        Assert.Equal("default", RouteOf(table, "b.test"));
        Assert.Same(movingState, table.Find("c.test")!.Pool.Servers[0].State);
        Assert.Equal(["a.test", "c.test", "default"], table.Routes.Select(r => r.Name));
    }
}
