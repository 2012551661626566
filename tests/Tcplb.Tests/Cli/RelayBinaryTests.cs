using System.Net;
using System.Net.Sockets;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary>
/// Failover and half-close on the published binary (the in-process tests cover them in depth): the part of the
/// relay that the binary of each architecture must show for itself, as <c>scripts/test --arch</c> runs it.
/// </summary>
public class RelayBinaryTests
{
    [Fact]
    public async Task AStoppedServer_ClientsAreServedByTheOthers_AndItIsMarkedDown()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        using var dir = new TempDirectory();
        dir.Write("hosts", $"127.0.0.1:{a.Port}\n127.0.0.1:{b.Port}\n");
        b.Stop();
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString(), "--workers", "2");
        tcplb.WaitForLog("msg=listening");

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("a", await HttpBackend.AskAsync(new IPEndPoint(IPAddress.Loopback, port)));
        }
        Assert.Contains($"msg=\"server down\" server={b.EndPoint}", tcplb.StandardError);
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }

    [Fact]
    public async Task ClientHalfClose_StillGetsTheFullReply()
    {
        var reply = new byte[1024 * 1024];
        new Random(7).NextBytes(reply);
        using var server = ScriptedBackend.RepliesAfterHalfClose("request", reply);
        using var dir = new TempDirectory();
        dir.Write("hosts", $"{server.EndPoint}\n");
        var port = TcplbProcess.FreePort();
        using var tcplb = TcplbProcess.Start(dir.Path, port.ToString(), "--workers", "2");
        tcplb.WaitForLog("msg=listening");

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port);
        await client.SendAsync("request"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(reply, await Eventually.Within(client.ReadToEndAsync()));
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }
}
