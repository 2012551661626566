using Tcplb.Backends;
using System.Net;
using System.Net.Sockets;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Runtime;

namespace Tcplb.Tests.Backends;

public class HostsResolverTests
{
    private readonly StringWriter _output = new();
    private readonly Dictionary<string, IPAddress[]> _dns = new();

    private HostsResolver Resolver() => new(new Log(_output, LogLevel.Debug, TimeProvider.System),
        name => _dns.TryGetValue(name, out var a) ? a : throw new SocketException((int)SocketError.HostNotFound));

    [Fact]
    public void Resolve_NameWithSeveralAddresses_GivesOneServerEach()
    {
        _dns["backend"] = [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), IPAddress.Parse("fd00::3")];
        var servers = Resolver().Resolve([new HostEntry("backend", 5000, 2, 1)]);
        Assert.Equal(["10.0.0.1:5000", "10.0.0.2:5000", "[fd00::3]:5000"], servers.Select(s => s.Name));
        Assert.All(servers, s => Assert.Equal(("backend:5000", 2), (s.Host, s.Weight)));
    }

    [Fact]
    public void Resolve_UnresolvableName_WarnsAndTheOthersStillServe()
    {
        var servers = Resolver().Resolve([new HostEntry("nowhere.invalid", 80, 1, 1), new HostEntry("127.0.0.1", 81, 1, 2)]);
        Assert.Equal(["127.0.0.1:81"], servers.Select(s => s.Name));
        Assert.Contains("level=warn msg=\"cannot resolve host name\" host=nowhere.invalid:80 line=1", _output.ToString());
    }

    [Fact]
    public void Resolve_NameThatStopsResolving_KeepsItsLastAddresses()
    {
        var resolver = Resolver();
        _dns["backend"] = [IPAddress.Parse("10.0.0.1")];
        resolver.Resolve([new HostEntry("backend", 80, 1, 1)]);
        _dns.Clear();
        Assert.Equal(["10.0.0.1:80"], resolver.Resolve([new HostEntry("backend", 80, 1, 1)]).Select(s => s.Name));
    }

    [Fact]
    public void Resolve_SameAddressTwice_IsOneServerWithTheWeightsAdded()
    {
        _dns["me"] = [IPAddress.Loopback];
        var servers = Resolver().Resolve([new HostEntry("127.0.0.1", 80, 2, 1), new HostEntry("me", 80, 3, 2)]);
        Assert.Equal([("127.0.0.1:80", 5)], servers.Select(s => (s.Name, s.Weight)));
    }

    [Fact]
    public void Resolve_Routes_AreTheSniNamesOrDefault_JoinedForTheSameAddress()
    {
        var servers = Resolver().Resolve(
        [
            new HostEntry("127.0.0.1", 80, 1, 1) { ServerNames = ["api.example.com"] },
            new HostEntry("127.0.0.2", 80, 1, 2),
            new HostEntry("127.0.0.1", 80, 1, 3) { ServerNames = ["*.example.com", "api.example.com"] },
            new HostEntry("127.0.0.1", 80, 1, 4),
        ]);
        Assert.Equal(
            [("127.0.0.1:80", new[] { "api.example.com", "*.example.com", "default" }), ("127.0.0.2:80", new[] { "default" })],
            servers.Select(s => (s.Name, s.Routes)));
    }
}
