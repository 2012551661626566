using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

public partial class OneBalancerTests
{
    /// <summary>A worker killed while it holds both slots of a <c>maxconn=2</c> server: the first process gives them back.</summary>
    [Fact]
    public async Task WorkerKilledHoldingTheSlotsOfAServer_TheyAreGivenBack_AndNewClientsGetIn()
    {
        using var server = new HoldingBackend();
        using var group = Group.Start($"{server.EndPoint} maxconn=2\n", "--queue-timeout", "30s");
        var (victim, held) = await TwoConnectionsHeldByOneWorker(group, server);
        Assert.True(TcplbProcess.SignalProcess(victim, TcplbProcess.SigKill));
        group.Tcplb.WaitForLog("msg=\"worker exited; starting it again\"");
        using var next = await Connect(group.EndPoint);
        Eventually.True(() => server.Served > 2, () => $"served={server.Served} open={server.Open}");
        held.ForEach(c => c.Dispose());
    }

    /// <summary>Connects clients until two of them are served by the same worker process other than the first (the kernel spreads them by address).</summary>
    private static async Task<(int Worker, List<Socket> Clients)> TwoConnectionsHeldByOneWorker(Group group, HoldingBackend server)
    {
        var children = group.Tcplb.Children();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var client = await Connect(group.EndPoint);
            Eventually.True(() => server.Open == 1, () => $"open={server.Open}");
            var first = HolderOf(server);
            var second = await Connect(group.EndPoint);
            Eventually.True(() => server.Open == 2, () => $"open={server.Open}");
            if (children.Contains(first.Worker) && HolderOf(server, except: first.Port).Worker == first.Worker)
            {
                return (first.Worker, [client, second]);
            }
            client.Dispose();
            second.Dispose();
            Eventually.True(() => server.Open == 0, () => $"open={server.Open}");
        }
        throw new InvalidOperationException("no worker took two connections in 200 tries");
    }

    /// <summary>
    /// The tcplb process holding a connection to the server, and that connection's local port (ss from iproute2);
    /// any process name, since under an emulator the process is the emulator's.
    /// </summary>
    private static (int Worker, int Port) HolderOf(HoldingBackend server, int except = 0)
    {
        var ss = Process.Start(new ProcessStartInfo("ss", $"-Htnp state established dst {server.EndPoint}") { RedirectStandardOutput = true })!;
        var output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        foreach (Match line in SocketLine().Matches(output))
        {
            var port = int.Parse(line.Groups["port"].Value);
            if (port != except)
            {
                return (int.Parse(line.Groups["pid"].Value), port);
            }
        }
        return (0, 0);
    }

    [GeneratedRegex(@"127\.0\.0\.1:(?<port>\d+)\s+\S+\s+users:\(\(""[^""]+"",pid=(?<pid>\d+)")]
    private static partial Regex SocketLine();
}
