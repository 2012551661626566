using System.Net.Sockets;
using Tcplb.Configuration;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

[Collection(NonParallel.Name)]
public class ConcurrencyTests
{
    [Fact]
    public async Task ThreeThousandConcurrentConnections_AllEcho()
    {
        using var echo = new ScriptedBackend(ScriptedBackend.EchoHandler, backlog: 4096);
        // A burst of 3000 SYNs can overflow a queue and cost a retransmission: allow for it, this is not a timing test.
        var options = new Settings { MaxConnections = 4096, BufferSize = 4096, ConnectTimeout = TimeSpan.FromSeconds(30) };
        using var proxy = new TestProxy([echo.EndPoint], options);
        Socket[] clients;
        try
        {
            clients = await Eventually.Within(Task.WhenAll(Enumerable.Range(0, 3000).Select(async i =>
            {
                var socket = await proxy.ConnectAsync();
                var message = BitConverter.GetBytes(i);
                await socket.SendAsync(message);
                Assert.Equal(message, await socket.ReadExactlyAsync(message.Length));
                return socket;
            })));
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"{e.Message}; proxy log:\n{proxy.LogText}", e);
        }
        Assert.Equal(3000, proxy.Proxy.Connections.Active);
        foreach (var client in clients)
        {
            client.Dispose();
        }
        proxy.WaitUntilIdle();
    }

    [Fact]
    public async Task FullSlab_AcceptingPauses_AndResumesWhenAConnectionEnds()
    {
        using var echo = ScriptedBackend.Echo();
        using var proxy = new TestProxy([echo.EndPoint], new() { MaxConnections = 2, BufferSize = 1024 });
        using var first = await proxy.ConnectAsync();
        using var second = await proxy.ConnectAsync();
        await first.SendAsync("1"u8.ToArray());
        await first.ReadExactlyAsync(1);
        await second.SendAsync("2"u8.ToArray());
        await second.ReadExactlyAsync(1);

        using var third = await proxy.ConnectAsync(); // completes in the kernel's backlog, not yet accepted
        await third.SendAsync("3"u8.ToArray());
        var answer = third.ReadExactlyAsync(1);
        await Task.Delay(300);
        Assert.False(answer.IsCompleted, "the third client must wait while both slices are in use");
        Assert.Equal(2, proxy.Proxy.Connections.Active);

        first.Dispose();
        Assert.Equal("3"u8.ToArray(), await Eventually.Within(answer));
    }
}
