using System.Net;
using System.Net.Sockets;
using System.Text;
using Tcplb.Backends;
using Tcplb.Configuration;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Integration;

/// <summary>
/// HTTP checks on a check port, on real sockets: a role endpoint beside each server (as Patroni's REST API is
/// beside PostgreSQL) decides which server gets clients, while their traffic still goes to the servers' own port.
/// </summary>
public class HttpCheckTests
{
    private static readonly Settings Checks = FastChecks.Settings with { CheckHttpPath = "/primary" };

    [Fact]
    public async Task HttpCheck_OnTheCheckPort_SendsTheRequest_ClientsGoToThePrimaryOnly_AndFollowAFailover()
    {
        using var first = new HttpBackend("first");
        using var second = new HttpBackend("second");
        using var firstRole = new RoleEndpoint(primary: true);
        using var secondRole = new RoleEndpoint(primary: false);
        Backend[] servers =
        [
            new(first.EndPoint, $"localhost:{first.Port}", 1) { CheckPort = firstRole.EndPoint.Port },
            new(second.EndPoint, $"localhost:{second.Port}", 1) { CheckPort = secondRole.EndPoint.Port },
        ];
        using var proxy = new TestProxy(servers, Checks);
        Eventually.True(() => proxy.LogText.Contains($"msg=\"server down\" server={second.EndPoint} reason=check detail=status"), () => proxy.LogText);
        var request = $"GET /primary HTTP/1.1\r\nHost: localhost:{firstRole.EndPoint.Port}\r\nConnection: close\r\nUser-Agent: tcplb-check\r\n\r\n";
        Eventually.True(() => firstRole.LastRequest == request, () => firstRole.LastRequest);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("first", await HttpBackend.AskAsync(proxy));
        }
        Assert.Equal([firstRole.EndPoint.Port, secondRole.EndPoint.Port], proxy.Proxy.Status().Servers.Select(s => s.CheckPort));

        (firstRole.Primary, secondRole.Primary) = (false, true); // the failover
        Eventually.True(() => proxy.LogText.Contains($"msg=\"server up\" server={second.EndPoint} reason=check"), () => proxy.LogText);
        Eventually.True(() => proxy.LogText.Contains($"msg=\"server down\" server={first.EndPoint} reason=check detail=status"), () => proxy.LogText);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("second", await HttpBackend.AskAsync(proxy));
        }
    }

    [Fact]
    public void HttpCheck_GarbageHugeStatusLinesAndEndlessBodies_FailTheirServerOnly()
    {
        using var garbage = new ScriptedBackend(socket => Answer(socket, Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n")));
        using var hugeStatusLine = new ScriptedBackend(socket => Answer(socket, Encoding.ASCII.GetBytes("HTTP/1.1 200 " + new string('x', 1 << 20) + "\r\n\r\n")));
        using var endlessBody = new ScriptedBackend(async socket =>
        {
            await ReadRequest(socket);
            await socket.SendAsync("HTTP/1.1 200 OK\r\n\r\n"u8.ToArray());
            var chunk = new byte[4096];
            while (true)
            {
                await socket.SendAsync(chunk); // until the check closes it
            }
        });
        using var good = new RoleEndpoint(primary: true, body: "ready");
        var settings = Checks with { CheckExpect = "ready"u8.ToArray() };
        using var proxy = new TestProxy([garbage.EndPoint, hugeStatusLine.EndPoint, endlessBody.EndPoint, good.EndPoint], settings);
        Eventually.True(() => proxy.LogText.Contains($"server={garbage.EndPoint} reason=check detail=mismatch"), () => proxy.LogText);
        Eventually.True(() => proxy.LogText.Contains($"server={hugeStatusLine.EndPoint} reason=check detail=mismatch"), () => proxy.LogText);
        Eventually.True(() => proxy.LogText.Contains($"server={endlessBody.EndPoint} reason=check detail=mismatch"), () => proxy.LogText);
        Eventually.True(() => proxy.Proxy.Status().Servers[3].LastCheck == "passed");
        Assert.DoesNotContain($"server={good.EndPoint}", proxy.LogText);
        Assert.True(proxy.Proxy.Status().Servers[3].Up);
    }

    private static async Task Answer(Socket socket, byte[] answer)
    {
        await ReadRequest(socket);
        await Reply(socket, answer);
    }

    private static async Task Reply(Socket socket, byte[] answer)
    {
        await socket.SendAsync(answer);
        socket.Shutdown(SocketShutdown.Send);
        await socket.WaitForCloseAsync();
    }

    private static async Task<string> ReadRequest(Socket socket)
    {
        var request = new StringBuilder();
        var buffer = new byte[1024];
        while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                break;
            }
            request.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return request.ToString();
    }

    /// <summary>What Patroni's REST API does for <c>GET /primary</c>: 200 on the leader, 503 elsewhere; keeps the last request.</summary>
    private sealed class RoleEndpoint : IDisposable
    {
        private readonly ScriptedBackend _server;
        private volatile string _lastRequest = "";
        private volatile bool _primary;

        public RoleEndpoint(bool primary, string body = "")
        {
            Primary = primary;
            _server = new ScriptedBackend(async socket =>
            {
                _lastRequest = await ReadRequest(socket);
                var status = Primary ? "200 OK" : "503 Service Unavailable";
                await Reply(socket, Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));
            });
        }

        public bool Primary
        {
            get => _primary;
            set => _primary = value;
        }

        public IPEndPoint EndPoint => _server.EndPoint;

        public string LastRequest => _lastRequest;

        public void Dispose() => _server.Dispose();
    }
}
