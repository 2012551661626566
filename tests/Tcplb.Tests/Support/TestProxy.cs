using System.Net;
using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Runtime;

namespace Tcplb.Tests.Support;

/// <summary>The proxy started in-process on 127.0.0.1 with an ephemeral port, logging into a string.</summary>
internal sealed class TestProxy : IDisposable
{
    private readonly StringWriter _log = new();

    /// <param name="maxConnections">Each server's <c>maxconn</c>; 0: none.</param>
    public TestProxy(IEnumerable<IPEndPoint> servers, Settings? options = null, TimeProvider? time = null, int maxConnections = 0)
        : this(servers.Select(s => new Backend(s, s.ToString(), 1) { MaxConnections = maxConnections }).ToList(), options, time)
    {
    }

    public TestProxy(IReadOnlyList<Backend> servers, Settings? options = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        options ??= new Settings();
        options = options with { Port = 0, MaxConnections = Math.Min(options.MaxConnections, 4096) };
        var log = new Log(TextWriter.Synchronized(_log), LogLevel.Debug, time);
        Proxy = new Proxy(options, servers, log, time, new Random(42), IPAddress.Loopback);
        Proxy.Start();
    }

    /// <summary>A server of the given routes (<c>sni=</c> names, or <c>default</c>); of the default route when none are given.</summary>
    public static Backend Routed(IPEndPoint server, params string[] routes) =>
        new(server, server.ToString(), 1, routes.Length == 0 ? null : routes);

    public Proxy Proxy { get; }

    public IPEndPoint EndPoint => Proxy.LocalEndPoint;

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
        Eventually.True(() => Proxy.Connections.Active == 0 && Proxy.Status().SlicesInUse == 1,
            () => $"active={Proxy.Connections.Active} slices={Proxy.Status().SlicesInUse}");
    }

    public void Dispose() => Proxy.Dispose();
}
