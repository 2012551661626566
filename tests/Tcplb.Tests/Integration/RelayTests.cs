using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary>Byte-exact, full-duplex relaying with half-close and reset, through the proxy on real loopback sockets.</summary>
public class RelayTests
{
    [Fact]
    public async Task RoundRobin_ThreeServers_EachGetsEveryThirdClient()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        using var c = new HttpBackend("c");
        using var proxy = new TestProxy([a.EndPoint, b.EndPoint, c.EndPoint]);
        var answers = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            answers.Add(await HttpBackend.AskAsync(proxy));
        }
        Assert.Equal(Enumerable.Repeat(new[] { "a", "b", "c" }, 10).SelectMany(x => x), answers);
    }

    [Fact]
    public async Task FullDuplex_FourParallelStreamsOf16MiB_AreEchoedByteExact()
    {
        using var echo = ScriptedBackend.Echo();
        using var proxy = new TestProxy([echo.EndPoint]);
        await Eventually.Within(Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            var data = new byte[16 * 1024 * 1024];
            new Random(i).NextBytes(data);
            using var socket = await proxy.ConnectAsync();
            var receiving = socket.HashToEndAsync();
            for (var offset = 0; offset < data.Length; offset += 256 * 1024)
            {
                await socket.SendAsync(data.AsMemory(offset, 256 * 1024));
            }
            socket.Shutdown(SocketShutdown.Send);
            var (length, hash) = await receiving;
            Assert.Equal(data.Length, length);
            Assert.Equal(Convert.ToHexString(SHA256.HashData(data)), hash);
        })));
        proxy.WaitUntilIdle();
    }

    [Fact]
    public async Task ClientHalfClose_StillGetsTheFullReply()
    {
        var reply = new byte[4 * 1024 * 1024];
        new Random(5).NextBytes(reply);
        using var server = ScriptedBackend.RepliesAfterHalfClose("request", reply);
        using var proxy = new TestProxy([server.EndPoint]);
        using var client = await proxy.ConnectAsync();
        await client.SendAsync("request"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(reply, await Eventually.Within(client.ReadToEndAsync()));
        proxy.WaitUntilIdle();
    }

    [Fact]
    public async Task ServerSpeaksFirstAndHalfCloses_TheUploadStillArrivesWhole()
    {
        var upload = new byte[8 * 1024 * 1024];
        new Random(6).NextBytes(upload);
        var received = new TaskCompletionSource<(long, string)>();
        using var server = new ScriptedBackend(async socket =>
        {
            await socket.SendAsync("220 ready\r\n"u8.ToArray());
            socket.Shutdown(SocketShutdown.Send);
            received.SetResult(await socket.HashToEndAsync());
        });
        using var proxy = new TestProxy([server.EndPoint]);
        using var client = await proxy.ConnectAsync();
        Assert.Equal("220 ready\r\n", Encoding.ASCII.GetString(await Eventually.Within(client.ReadToEndAsync())));
        await client.SendAsync(upload);
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal((upload.Length, Convert.ToHexString(SHA256.HashData(upload))), await Eventually.Within(received.Task));
        proxy.WaitUntilIdle();
    }

    [Fact]
    public async Task ClientReset_ClosesTheServerSide()
    {
        var arrived = new TaskCompletionSource();
        var serverSaw = new TaskCompletionSource<bool>();
        using var server = new ScriptedBackend(async socket =>
        {
            await socket.ReadExactlyAsync(5);
            arrived.SetResult();
            serverSaw.SetResult(await socket.WaitForCloseAsync());
        });
        using var proxy = new TestProxy([server.EndPoint]);
        var client = await proxy.ConnectAsync();
        await client.SendAsync("hello"u8.ToArray());
        await Eventually.Within(arrived.Task);
        client.LingerState = new LingerOption(true, 0);
        client.Close(); // RST
        Assert.False(await Eventually.Within(serverSaw.Task), "the server should see a reset, as the client sent one");
        proxy.WaitUntilIdle();
    }

    [Fact]
    public async Task ServerClose_ReachesTheClient()
    {
        using var server = new ScriptedBackend(async socket =>
        {
            await socket.SendAsync("bye\n"u8.ToArray());
            socket.Shutdown(SocketShutdown.Both);
        });
        using var proxy = new TestProxy([server.EndPoint]);
        using (var client = await proxy.ConnectAsync())
        {
            Assert.Equal("bye\n", Encoding.ASCII.GetString(await Eventually.Within(client.ReadToEndAsync())));
        }
        proxy.WaitUntilIdle();
    }

    [Fact]
    public async Task IdleTimeout_ClosesASilentConnection_ButNotABusyOne()
    {
        using var echo = ScriptedBackend.Echo();
        using var proxy = new TestProxy([echo.EndPoint], new() { IdleTimeout = TimeSpan.FromSeconds(2), AccessLog = true });
        using var silent = await proxy.ConnectAsync();
        using var busy = await proxy.ConnectAsync();
        var closed = silent.WaitForCloseAsync();
        var buffer = new byte[1];
        for (var i = 0; !closed.IsCompleted; i++)
        {
            await busy.SendAsync(new[] { (byte)i });
            Assert.Equal(1, await busy.ReceiveAsync(buffer));
            Assert.True(i < 2000, "the silent connection was never closed");
            await Task.Delay(100); // twenty pings per idle timeout: the busy connection never idles
        }
        Assert.True(await closed, "idle connections are closed with FIN");
        await busy.SendAsync("x"u8.ToArray());
        Assert.True(1 == await busy.ReceiveAsync(buffer), proxy.LogText);
    }

    [Fact]
    public async Task AccessLog_OneLinePerFinishedConnection_WithBytesAndReason()
    {
        using var echo = ScriptedBackend.Echo();
        using var proxy = new TestProxy([echo.EndPoint], new() { AccessLog = true });
        using (var client = await proxy.ConnectAsync())
        {
            await client.SendAsync("12345"u8.ToArray());
            client.Shutdown(SocketShutdown.Send);
            await Eventually.Within(client.ReadToEndAsync());
        }
        proxy.WaitUntilIdle();
        Assert.Matches($@"level=info msg=connection client=127\.0\.0\.1:\d+ server={Regex.Escape(echo.EndPoint.ToString())} sni=- sent=5 received=5 tries=1 connect_ms=[0-9.]+ queue_ms=0 duration=\S+ reason=done",
            proxy.LogText);
    }

    [Fact]
    public async Task AccessLog_OfAClientNoServerTook_NamesTheClient()
    {
        var nobody = new IPEndPoint(IPAddress.Loopback, TcplbProcess.FreePort());
        using var proxy = new TestProxy([nobody], new() { AccessLog = true });
        try
        {
            using var client = await proxy.ConnectAsync();
            await Eventually.Within(client.WaitForCloseAsync());
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // The reset can overtake the client's own view of its finished handshake.
        }
        proxy.WaitUntilIdle();
        Assert.Matches(@"msg=connection client=127\.0\.0\.1:\d+ server=- sni=- sent=0 received=0 tries=1 connect_ms=- queue_ms=0 duration=\S+ reason=no-server", proxy.LogText);
    }
}
