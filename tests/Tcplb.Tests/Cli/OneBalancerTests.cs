using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary>
/// <c>--workers 4</c> on the published binary behaves, for every observable purpose, as one balancer: health,
/// checks, limits, counters and balancing decisions are the group's (the shared state table).
/// </summary>
public partial class OneBalancerTests
{
    [Fact]
    public async Task BlackholedServer_OnlyTheFirstClientOfTwelveTriesIt()
    {
        using var blackHole = BlackHole.Listen(out var stuck);
        using var good = new HttpBackend("good");
        try
        {
            using var group = Group.Start($"{blackHole.LocalEndPoint}\n127.0.0.1:{good.Port}\n", "--connect-timeout", "1s");
            for (var i = 0; i < 12; i++)
            {
                Assert.Equal("good", await HttpBackend.AskAsync(group.EndPoint));
            }
            Assert.Equal(1, await group.Figure($"tcplb_backend_connect_failures_total{{backend=\"{blackHole.LocalEndPoint}\"}}"));
        }
        finally
        {
            stuck.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void ActiveChecks_RunOncePerGroup()
    {
        using var server = new ScriptedBackend(_ => Task.CompletedTask);
        using var group = Group.Start($"{server.EndPoint}\n", "--check-interval", "250ms");
        Thread.Sleep(TimeSpan.FromSeconds(3));
        Assert.InRange(server.Connections, 4, 20); // about 12; four checkers would make about 48
    }

    [Fact]
    public async Task MaxConn_IsNeverExceededByTheGroup_AndAFreedSlotServesTheNextClient()
    {
        using var server = new HoldingBackend();
        using var group = Group.Start($"{server.EndPoint} maxconn=2\n", "--queue-timeout", "30s");
        var clients = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Connect(group.EndPoint)));
        Eventually.True(() => server.Open == 2, () => $"open={server.Open}");
        Thread.Sleep(300); // time for any excess connect to show
        Assert.Equal((2, 2), (server.Open, server.MostAtOnce));
        server.CloseAll();
        Eventually.True(() => server.Served == 4, () => $"served={server.Served}");
        Assert.Equal(2, server.MostAtOnce);
        clients.ToList().ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task MaxConnsPerClient_OneAddressGetsExactlyTheLimit_AnotherIsStillServed()
    {
        using var server = ScriptedBackend.Echo();
        using var group = Group.Start($"{server.EndPoint}\n", "--max-conns-per-client", "3");
        Assert.Equal(3, await ServedOfTenAtOnce(group));
        Assert.Equal(7, await group.Figure("tcplb_client_limit_rejected_total"));
    }

    [Fact]
    public async Task MaxConnRatePerClient_OneAddressGetsItsBurst_AnotherIsStillServed()
    {
        using var server = ScriptedBackend.Echo();
        using var group = Group.Start($"{server.EndPoint}\n", "--max-conn-rate-per-client", "2");
        Assert.Equal(2, await ServedOfTenAtOnce(group)); // a burst of 2, then one each half second
        Assert.Equal(8, await group.Figure("tcplb_client_rate_rejected_total"));
    }

    /// <summary>How many of ten clients from 127.0.0.1 at once are served, while they hold on; a client from 127.0.0.2 must be served then.</summary>
    private static async Task<int> ServedOfTenAtOnce(Group group)
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Connect(group.EndPoint)));
        try
        {
            var echoed = await Task.WhenAll(clients.Select(Echoes));
            using var other = await Connect(group.EndPoint, IPAddress.Parse("127.0.0.2"));
            Assert.True(await Echoes(other));
            return echoed.Count(e => e);
        }
        finally
        {
            clients.ToList().ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task FortyConnections_AreCountedExactlyOnce()
    {
        using var backend = new HttpBackend("a");
        using var group = Group.Start($"127.0.0.1:{backend.Port}\n");
        for (var i = 0; i < 40; i++)
        {
            await HttpBackend.AskAsync(group.EndPoint);
        }
        Assert.Equal(40, await group.Figure("tcplb_connections_total"));
        Assert.Equal(40, await group.Figure($"tcplb_backend_connections_total{{backend=\"{backend.EndPoint}\"}}"));
    }

    [Fact]
    public async Task RoundRobin_TwelveClientsInARow_AreServedInTurn()
    {
        using var a = new HttpBackend("a");
        using var b = new HttpBackend("b");
        using var c = new HttpBackend("c");
        using var group = Group.Start($"127.0.0.1:{a.Port}\n127.0.0.1:{b.Port}\n127.0.0.1:{c.Port}\n");
        var answers = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add(await HttpBackend.AskAsync(group.EndPoint));
        }
        Assert.Equal("a b c a b c a b c a b c", string.Join(' ', answers));
    }

    [Fact]
    public async Task LeastConn_EighteenHeldConnections_AreSixOnEachOfThreeServers()
    {
        using var servers = new DisposableList<HoldingBackend>([new(), new(), new()]);
        using var group = Group.Start(string.Concat(servers.Items.Select(s => $"{s.EndPoint}\n")), "--balance", "least-conn");
        var clients = new List<Socket>();
        for (var i = 0; i < 18; i++)
        {
            clients.Add(await Connect(group.EndPoint));
            Eventually.True(() => servers.Items.Sum(s => s.Open) == clients.Count, () => $"open={servers.Items.Sum(s => s.Open)}");
        }
        Assert.Equal([6, 6, 6], servers.Items.Select(s => s.Open));
        clients.ForEach(c => c.Dispose());
    }

    /// <summary>A connected client; one that tcplb resets at once may see its connect fail, and is returned all the same.</summary>
    private static async Task<Socket> Connect(IPEndPoint endPoint, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }
        try
        {
            await socket.ConnectAsync(endPoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
        return socket;
    }

    /// <summary>Whether one byte comes back through the balancer (false: the client was reset).</summary>
    private static async Task<bool> Echoes(Socket socket)
    {
        try
        {
            await socket.SendAsync("x"u8.ToArray());
            return (await Eventually.Within(socket.ReadExactlyAsync(1)))[0] == (byte)'x';
        }
        catch (Exception e) when (e is SocketException or EndOfStreamException or IOException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A tcplb of four worker processes on a free port, with its admin endpoint; stopped with SIGTERM.</summary>
    private sealed partial class Group : IDisposable
    {
        private readonly TempDirectory _dir;

        private Group(TempDirectory dir, TcplbProcess tcplb, int port, int adminPort)
        {
            (_dir, Tcplb, EndPoint, AdminPort) = (dir, tcplb, new IPEndPoint(IPAddress.Loopback, port), adminPort);
        }

        public TcplbProcess Tcplb { get; }

        public IPEndPoint EndPoint { get; }

        public int AdminPort { get; }

        public static Group Start(string hosts, params string[] args)
        {
            var dir = new TempDirectory();
            dir.Write("hosts", hosts);
            var (port, adminPort) = (TcplbProcess.FreePort(), TcplbProcess.FreePort());
            var tcplb = TcplbProcess.Start(dir.Path, [port.ToString(), "--workers", "4", "--admin", $"127.0.0.1:{adminPort}", .. args]);
            tcplb.WaitForLog("msg=listening");
            Assert.Equal(3, tcplb.Children().Length);
            return new Group(dir, tcplb, port, adminPort);
        }

        /// <summary>A figure of <c>/metrics</c>, named with its labels.</summary>
        public async Task<double> Figure(string name)
        {
            using var http = new HttpClient();
            var metrics = await http.GetStringAsync($"http://127.0.0.1:{AdminPort}/metrics");
            var match = Regex.Match(metrics, "^" + Regex.Escape(name) + " (\\S+)$", RegexOptions.Multiline);
            Assert.True(match.Success, $"{name} not in {metrics}");
            return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <remarks>Asserts nothing: a failed test's own assertion is the one to see.</remarks>
        public void Dispose()
        {
            Tcplb.Dispose();
            _dir.Dispose();
        }
    }
}
