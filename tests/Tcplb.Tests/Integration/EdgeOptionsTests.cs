using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary><c>--retries</c>, <c>--source</c> and the access log's timings, on real loopback sockets (IPv4 and IPv6).</summary>
public partial class EdgeOptionsTests
{
    [Theory]
    [InlineData(null, 5)]
    [InlineData(1, 2)]
    [InlineData(0, 1)]
    public async Task Retries_AClientIsTriedOnAtMostRetriesPlusOneServers(int? retries, int tries)
    {
        IPEndPoint[] refusing =
        [
            Refusing(IPAddress.Loopback), Refusing(IPAddress.IPv6Loopback), Refusing(IPAddress.Loopback),
            Refusing(IPAddress.IPv6Loopback), Refusing(IPAddress.Loopback),
        ];
        using var proxy = new TestProxy(refusing, new() { Retries = retries, AccessLog = true });
        await ConnectAndWaitForCloseAsync(proxy);
        Eventually.True(() => proxy.LogText.Contains("msg=connection"), () => proxy.LogText);
        Assert.Contains($" tries={tries} connect_ms=- ", proxy.LogText);
        Assert.Contains("reason=no-server", proxy.LogText);
    }

    [Fact]
    public async Task Source_ServerConnectionsLeaveFromThatAddress_ServersOfTheOtherFamilyFromTheKernelsChoice()
    {
        var seen = new List<IPAddress>();
        using var v4 = new ScriptedBackend(async socket =>
        {
            lock (seen)
            {
                seen.Add(((IPEndPoint)socket.RemoteEndPoint!).Address);
            }
            await ScriptedBackend.EchoHandler(socket);
        });
        using var v6 = TcplbProcess.Listening(IPAddress.IPv6Loopback);
        var source = IPAddress.Parse("127.0.0.2");
        using var proxy = new TestProxy([v4.EndPoint], new() { SourceAddress = source });
        await EchoOnceAsync(proxy);
        Assert.Equal([source], seen);

        using var toV6 = new TestProxy([(IPEndPoint)v6.LocalEndPoint!], new() { SourceAddress = source });
        using var client = await toV6.ConnectAsync();
        using var accepted = await Eventually.Within(v6.AcceptAsync());
        Assert.Equal(IPAddress.IPv6Loopback, ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }

    [Fact]
    public void Source_HealthChecksLeaveFromThatAddressToo()
    {
        var seen = new List<IPAddress>();
        using var backend = new ScriptedBackend(socket =>
        {
            lock (seen)
            {
                seen.Add(((IPEndPoint)socket.RemoteEndPoint!).Address);
            }
            return Task.CompletedTask;
        });
        var source = IPAddress.Parse("127.0.0.2");
        using var proxy = new TestProxy([backend.EndPoint], new() { SourceAddress = source, CheckInterval = TimeSpan.FromMilliseconds(100) });
        Eventually.True(() => { lock (seen) { return seen.Count >= 2; } });
        lock (seen)
        {
            Assert.All(seen, address => Assert.Equal(source, address));
        }
    }

    [Fact]
    public async Task AccessLog_SaysHowLongTheConnectTook_AndHowLongAQueuedClientWaited()
    {
        using var backend = ScriptedBackend.Echo();
        using var proxy = new TestProxy([backend.EndPoint], new() { QueueTimeout = TimeSpan.FromSeconds(30), AccessLog = true }, maxConnections: 1);
        using (var holder = await proxy.ConnectAsync())
        {
            await holder.SendAsync("a"u8.ToArray());
            await Eventually.Within(holder.ReadExactlyAsync(1));
            using var waiter = await proxy.ConnectAsync();
            Eventually.True(() => proxy.Proxy.Status().QueueLength == 1);
            holder.Shutdown(SocketShutdown.Send);
            await Eventually.Within(holder.WaitForCloseAsync());
            await waiter.SendAsync("b"u8.ToArray());
            await Eventually.Within(waiter.ReadExactlyAsync(1)); // served once the holder's slot freed
            waiter.Shutdown(SocketShutdown.Send);
            await Eventually.Within(waiter.WaitForCloseAsync());
        }
        proxy.WaitUntilIdle();
        var lines = proxy.LogText.Split('\n').Where(l => l.Contains("msg=connection")).ToArray();
        Assert.Equal(2, lines.Length);
        var (firstConnect, firstQueue) = Timings(lines[0]);
        var (secondConnect, secondQueue) = Timings(lines[1]);
        Assert.True(firstConnect >= 0 && secondConnect >= 0, string.Join('\n', lines));
        Assert.Equal(0, firstQueue);
        Assert.True(secondQueue > 0, lines[1]); // it did wait: the holder closed only after it was queued
    }

    private static async Task EchoOnceAsync(TestProxy proxy)
    {
        using var client = await proxy.ConnectAsync();
        await client.SendAsync("x"u8.ToArray());
        Assert.Equal("x"u8.ToArray(), await Eventually.Within(client.ReadExactlyAsync(1)));
    }

    private static async Task ConnectAndWaitForCloseAsync(TestProxy proxy)
    {
        try
        {
            using var client = await proxy.ConnectAsync();
            await Eventually.Within(client.WaitForCloseAsync());
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // The reset can overtake the client's own view of its finished handshake.
        }
    }

    /// <summary>An address on which nothing listens: a connect to it is refused at once.</summary>
    private static IPEndPoint Refusing(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return (IPEndPoint)socket.LocalEndPoint!;
    }

    [GeneratedRegex(@" connect_ms=(?<connect>[0-9.]+) queue_ms=(?<queue>[0-9.]+) ")]
    private static partial Regex TimingsPattern();

    private static (double Connect, double Queue) Timings(string line)
    {
        var match = TimingsPattern().Match(line);
        Assert.True(match.Success, line);
        return (double.Parse(match.Groups["connect"].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups["queue"].Value, CultureInfo.InvariantCulture));
    }
}
