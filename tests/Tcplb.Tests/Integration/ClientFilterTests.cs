using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Tcplb.Backends;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Runtime;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary><c>--allow</c> and <c>--deny</c> on a dual-stack listener, with clients over IPv4 and IPv6 loopback.</summary>
public class ClientFilterTests
{
    [Theory]
    [InlineData("127.0.0.1", null, "127.0.0.1", false)] // an IPv4 client reaches the dual-stack socket as ::ffff:127.0.0.1
    [InlineData("127.0.0.1", null, "::1", true)]
    [InlineData("127.0.0.0/8", null, "::1", true)]
    [InlineData("::1", null, "::1", false)]
    [InlineData(null, "::1", "::1", true)]
    [InlineData(null, "::1", "127.0.0.1", false)]
    [InlineData(null, "127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.0/8,::1", "127.0.0.1", "127.0.0.1", true)] // deny wins over allow
    [InlineData("127.0.0.0/8,::1", "127.0.0.1", "::1", false)]
    public async Task Filter_DeniedClientIsResetAtAccept_BeforeAnyServerIsContacted(string? allow, string? deny, string client, bool reset)
    {
        using var backend = ScriptedBackend.Echo();
        var settings = new Settings
        {
            AccessLog = true,
            Allow = allow is null ? null : AddressPrefixes.Parse(allow, "--allow"),
            Deny = deny is null ? null : AddressPrefixes.Parse(deny, "--deny"),
        };
        using var rig = new DualStackProxy(backend.EndPoint, settings);
        var address = IPAddress.Parse(client);

        Assert.Equal(reset, await IsReset(rig.EndPointFor(address)));

        if (reset)
        {
            Eventually.True(() => rig.Proxy.Status().DeniedConnections == 1); // counted as the session is released, just after the reset
            Assert.Equal(0, backend.Connections);
            var logged = "msg=connection client=" + (address.AddressFamily == AddressFamily.InterNetwork ? @"127\.0\.0\.1" : @"\[::1\]") + @":\d+ server=- .*reason=denied";
            Eventually.True(() => Regex.IsMatch(rig.LogText, logged), () => rig.LogText); // written just after the count
            Assert.Contains("msg=\"client denied; its connections are reset\"", rig.LogText);
        }
        else
        {
            Assert.Equal(0, rig.Proxy.Status().DeniedConnections);
        }
    }

    [Fact]
    public async Task Filter_ManyRefusals_AreLoggedOncePerReasonPerSecond()
    {
        using var backend = ScriptedBackend.Echo();
        using var rig = new DualStackProxy(backend.EndPoint, new Settings { Deny = AddressPrefixes.Parse("127.0.0.1", "--deny") });
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await IsReset(rig.EndPointFor(IPAddress.Loopback)));
        }
        Eventually.True(() => rig.Proxy.Status().DeniedConnections == 5);
        Assert.Single(rig.LogText.Split('\n'), line => line.Contains("client denied")); // five refusals well within a second: one line
    }

    private static async Task<bool> IsReset(IPEndPoint proxy)
    {
        try
        {
            using var socket = new Socket(proxy.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(proxy);
            await socket.SendAsync("hi"u8.ToArray());
            var echoed = new byte[2];
            var read = await Eventually.Within(socket.ReceiveAsync(echoed));
            return read == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    /// <summary>The proxy listening on every interface of an ephemeral port, IPv4 and IPv6 in one socket, as tcplb does by default.</summary>
    private sealed class DualStackProxy : IDisposable
    {
        private readonly StringWriter _log = new();

        public DualStackProxy(IPEndPoint server, Settings settings)
        {
            var log = new Log(TextWriter.Synchronized(_log), LogLevel.Debug, TimeProvider.System);
            Proxy = new Proxy(settings with { Port = 0, MaxConnections = 64 }, [new Backend(server, server.ToString(), 1)], log, TimeProvider.System, new Random(1));
            Proxy.Start();
        }

        public Proxy Proxy { get; }

        public string LogText => _log.ToString();

        public IPEndPoint EndPointFor(IPAddress loopback) => new(loopback, Proxy.LocalEndPoint.Port);

        public void Dispose() => Proxy.Dispose();
    }
}
