using System.Net;
using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Cli;
using Tcplb.Runtime;

namespace Tcplb.Tests.Support;

/// <summary>The balancer started in-process on 127.0.0.1 with an ephemeral port, logging into a string.</summary>
internal sealed class TestBalancer : IDisposable
{
    private readonly StringWriter _log = new();

    public TestBalancer(IEnumerable<IPEndPoint> servers, Options? options = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        options ??= new Options();
        options = options with { Port = 0, MaxConnections = Math.Min(options.MaxConnections, 4096) };
        var log = new Log(TextWriter.Synchronized(_log), LogLevel.Debug, time);
        Balancer = new LoadBalancer(options, servers.Select(s => new Backend(s, s.ToString(), 1)).ToList(), log, time,
            new Random(42), IPAddress.Loopback);
        Balancer.Start();
    }

    public LoadBalancer Balancer { get; }

    public IPEndPoint EndPoint => Balancer.LocalEndPoint;

    public string LogText => _log.ToString();

    public Socket Connect()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(EndPoint);
        return socket;
    }

    public async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(EndPoint);
        return socket;
    }

    /// <summary>
    /// Waits until every connection is closed and returned: no active connection, and no slab slice in use but
    /// the one the listener holds for its next client.
    /// </summary>
    public void WaitUntilIdle()
    {
        Eventually.True(() => Balancer.Stats.Active == 0 && Balancer.Context.Slab.InUse == 1,
            () => $"active={Balancer.Stats.Active} slices={Balancer.Context.Slab.InUse}");
    }

    public void Dispose() => Balancer.Dispose();
}
