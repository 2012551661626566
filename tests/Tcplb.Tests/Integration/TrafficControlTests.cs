using System.Net;
using System.Net.Sockets;
using System.Text;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary>maxconn with its queue, and the per-client limit, on real loopback sockets.</summary>
public class TrafficControlTests
{
    [Fact]
    public async Task MaxConn_NeverMoreAtTheServer_WaitingClientsServedFirstInFirstOut_NoSliceLeft()
    {
        var inside = 0;
        var most = 0;
        var order = new List<int>();
        using var backend = new ScriptedBackend(async socket =>
        {
            var now = Interlocked.Increment(ref inside);
            lock (order)
            {
                most = Math.Max(most, now);
            }
            try
            {
                var token = await socket.ReadExactlyAsync(1);
                lock (order)
                {
                    order.Add(token[0]);
                }
                await socket.SendAsync(token);
                await socket.WaitForCloseAsync();
            }
            finally
            {
                Interlocked.Decrement(ref inside);
            }
        });
        using var proxy = new TestProxy([backend.EndPoint], new() { QueueTimeout = TimeSpan.FromSeconds(30) }, maxConnections: 2);
        var clients = new List<Socket>();
        for (var i = 0; i < 6; i++)
        {
            var client = await proxy.ConnectAsync();
            await client.SendAsync(new[] { (byte)i });
            clients.Add(client);
            Eventually.True(() => proxy.Proxy.Connections.Total == i + 1); // arrivals in a known order
            if (i < 2)
            {
                // The first two are not queued: both connect at once, and either could reach the server first.
                Eventually.True(() => { lock (order) { return order.Count == i + 1; } });
            }
        }
        Eventually.True(() => proxy.Proxy.Status().QueueLength == 4, () => $"queued {proxy.Proxy.Status().QueueLength}");
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(i, (await Eventually.Within(clients[i].ReadExactlyAsync(1)))[0]); // served, in turn
            clients[i].Shutdown(SocketShutdown.Send);
            await Eventually.Within(clients[i].WaitForCloseAsync());
            clients[i].Dispose();
            // One slot frees at a time: the turn it gives reaches the server before the next slot frees, since
            // two clients given turns at the same moment would race each other's connects.
            Eventually.True(() => { lock (order) { return order.Count >= Math.Min(i + 3, 6); } });
        }
        Assert.Equal([0, 1, 2, 3, 4, 5], order);
        Assert.Equal(2, most);
        proxy.WaitUntilIdle();
        Assert.Equal(0, proxy.Proxy.Status().QueueLength);
    }

    [Fact]
    public async Task MaxConn_ClientWaitingLongerThanTheQueueTimeout_IsReset_WithReasonQueueTimeout()
    {
        using var backend = ScriptedBackend.Echo();
        using var proxy = new TestProxy([backend.EndPoint], new() { QueueTimeout = TimeSpan.FromMilliseconds(300), AccessLog = true }, maxConnections: 1);
        using var holder = await proxy.ConnectAsync();
        await holder.SendAsync("a"u8.ToArray());
        await Eventually.Within(holder.ReadExactlyAsync(1));
        using var waiter = await proxy.ConnectAsync();
        Assert.False(await Eventually.Within(waiter.WaitForCloseAsync())); // a reset: it was never served
        Eventually.True(() => proxy.Proxy.Status().QueueTimeouts == 1); // counted as the session is released, just after the reset
        Assert.Matches("msg=connection .* tries=0 .*reason=queue-timeout", proxy.LogText);
        Assert.Equal(0, proxy.Proxy.Connections.Rejected);
        holder.Shutdown(SocketShutdown.Send);
        await Eventually.Within(holder.WaitForCloseAsync());
        proxy.WaitUntilIdle();
    }

    [Fact]
    public async Task MaxConnsPerClient_OneAddressOverItsLimitIsReset_WhileAnotherAddressIsServed()
    {
        using var backend = ScriptedBackend.Echo();
        using var proxy = new TestProxy([backend.EndPoint], new() { MaxConnectionsPerClient = 2, AccessLog = true });
        var held = new[] { await Echoing(proxy, IPAddress.Loopback), await Echoing(proxy, IPAddress.Loopback) };
        Assert.True(await IsReset(proxy, IPAddress.Loopback));
        using var other = await Echoing(proxy, IPAddress.Parse("127.0.0.2"));
        Eventually.True(() => proxy.Proxy.Status().ClientLimitRejected == 1); // counted as the session is released, just after the reset
        Assert.Matches("msg=connection .* tries=0 .*reason=client-limit", proxy.LogText);
        Assert.Contains("msg=\"client over its connection limit; its new connections are reset\" client=127.0.0.1 limit=2", proxy.LogText);
        held[0].Dispose(); // a connection of the first address ends: it may have another
        Eventually.True(() => proxy.Proxy.Connections.Active == 2);
        using var again = await Echoing(proxy, IPAddress.Loopback);
        held[1].Dispose();
    }

    private static async Task<Socket> ConnectFrom(TestProxy proxy, IPAddress source)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(proxy.EndPoint);
        return socket;
    }

    /// <summary>Whether a new connection from <paramref name="source"/> is reset at once (the reset may overtake the client's own view of its handshake).</summary>
    private static async Task<bool> IsReset(TestProxy proxy, IPAddress source)
    {
        try
        {
            using var socket = await ConnectFrom(proxy, source);
            return !await Eventually.Within(socket.WaitForCloseAsync());
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    private static async Task<Socket> Echoing(TestProxy proxy, IPAddress source)
    {
        var socket = await ConnectFrom(proxy, source);
        await socket.SendAsync(Encoding.ASCII.GetBytes("hi"));
        Assert.Equal("hi", Encoding.ASCII.GetString(await Eventually.Within(socket.ReadExactlyAsync(2))));
        return socket;
    }
}
