using System.Net;
using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Runtime;
using Tcplb.Tests.Support;

// allocation-probe chunks|connections|routed|limited: relays through an in-process proxy and prints the bytes
// allocated process-wide, as "allocated=N operations=M". The client and the server use blocking sockets,
// which allocate nothing per call, so whatever is counted is the proxy's. "routed" is "connections" with the
// server under a sni= name and a ClientHello as each connection's first chunk: the hello is read and routed.
// "limited" is "connections" with the per-client limit on and maxconn=1 on the server, each client opened while
// the previous one still holds the slot: every one waits in the queue and is given its turn.
if (args.Length != 1 || args[0] is not ("chunks" or "connections" or "routed" or "limited"))
{
    Console.Error.WriteLine("usage: allocation-probe chunks|connections|routed|limited");
    return 2;
}
var limited = args[0] == "limited";

SocketEngine.PreferInlineCompletions(); // as the product runs
using var server = new BlockingEchoServer();
var log = new Log(TextWriter.Null, LogLevel.Error, TimeProvider.System);
var routed = args[0] == "routed";
using var proxy = new Proxy(new Settings { MaxConnections = 64, MaxConnectionsPerClient = limited ? 4 : 0 },
    [new Backend(server.EndPoint, server.EndPoint.ToString(), 1, routed ? ["probe.example.com"] : null) { MaxConnections = limited ? 1 : 0 }],
    log, TimeProvider.System, new Random(1), IPAddress.Loopback);
proxy.Start();
var chunk = routed ? new ClientHelloBuilder { ServerName = "probe.example.com" }.Build() : new byte[1024];
var reply = new byte[chunk.Length];

long operations;
long allocated;
if (args[0] == "chunks")
{
    using var client = Connect(proxy.LocalEndPoint);
    PingPong(client, chunk, reply, 5_000); // warm-up: JIT tiers, thread pool, socket engine
    // Three windows; the least is reported. A per-chunk allocation shows in every window, while the
    // runtime's thread pool now and then replaces a 1 KB work-queue segment, whatever the work items are.
    operations = 10_000;
    allocated = long.MaxValue;
    for (var window = 0; window < 3; window++)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        PingPong(client, chunk, reply, (int)operations);
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        allocated = Math.Min(allocated, bytes);
    }
}
else
{
    Action<int> run = limited ? times => QueuedRelayClose(proxy, chunk, reply, times) : times => OpenRelayClose(proxy, chunk, reply, times);
    run(500);
    operations = 1_000;
    var before = GC.GetTotalAllocatedBytes(precise: true);
    run((int)operations);
    allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
}
Console.WriteLine($"allocated={allocated} operations={operations}");
return 0;

static Socket Connect(IPEndPoint endPoint)
{
    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    socket.Connect(endPoint);
    return socket;
}

// One chunk each way per round trip.
static void PingPong(Socket client, byte[] chunk, byte[] reply, int times)
{
    for (var i = 0; i < times; i++)
    {
        client.Send(chunk);
        var received = 0;
        while (received < reply.Length)
        {
            received += client.Receive(reply, received, reply.Length - received, SocketFlags.None);
        }
    }
}

static void OpenRelayClose(Proxy proxy, byte[] chunk, byte[] reply, int times)
{
    for (var i = 0; i < times; i++)
    {
        using var client = Connect(proxy.LocalEndPoint);
        PingPong(client, chunk, reply, 1);
        client.Shutdown(SocketShutdown.Send);
        while (client.Receive(reply) > 0)
        {
        }
    }
    while (proxy.Connections.Active > 0)
    {
        Thread.Sleep(1);
    }
}

// Each client connects while the previous one holds the server's only slot, so it waits in the queue; closing
// the previous one gives it its turn.
static void QueuedRelayClose(Proxy proxy, byte[] chunk, byte[] reply, int times)
{
    var previous = Connect(proxy.LocalEndPoint);
    PingPong(previous, chunk, reply, 1);
    var queue = proxy.Routes.Routes[0].Pool.Waiting;
    for (var i = 0; i < times; i++)
    {
        var next = Connect(proxy.LocalEndPoint);
        next.Send(chunk);
        while (queue.Count == 0)
        {
            Thread.Sleep(0);
        }
        CloseAndDrain(previous, reply);
        var received = 0;
        while (received < reply.Length)
        {
            received += next.Receive(reply, received, reply.Length - received, SocketFlags.None);
        }
        previous = next;
    }
    CloseAndDrain(previous, reply);
    while (proxy.Connections.Active > 0)
    {
        Thread.Sleep(1);
    }
}

static void CloseAndDrain(Socket client, byte[] buffer)
{
    client.Shutdown(SocketShutdown.Send);
    while (client.Receive(buffer) > 0)
    {
    }
    client.Dispose();
}

/// <summary>An echo server on blocking sockets, one connection at a time, allocating nothing per chunk.</summary>
internal sealed class BlockingEchoServer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public BlockingEchoServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1024);
        new Thread(AcceptLoop) { IsBackground = true }.Start();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    private void AcceptLoop()
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            Socket socket;
            try
            {
                socket = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            using (socket)
            {
                try
                {
                    int n;
                    while ((n = socket.Receive(buffer)) > 0)
                    {
                        socket.Send(buffer, 0, n, SocketFlags.None);
                    }
                    socket.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException)
                {
                }
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
