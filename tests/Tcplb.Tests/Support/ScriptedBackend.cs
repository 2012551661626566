using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcplb.Tests.Support;

/// <summary>A real TCP server on 127.0.0.1 that runs a given handler for each connection; counts its connections.</summary>
internal sealed class ScriptedBackend : IDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    public ScriptedBackend(Func<Socket, Task> handler, int port = 0, int backlog = 512)
    {
        _handler = handler;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _listener.Listen(backlog);
        _ = AcceptLoop();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Echoes every byte, and passes a half-close on as a half-close.</summary>
    public static ScriptedBackend Echo(int port = 0) => new(EchoHandler, port);

    /// <summary>Reads up to the client's FIN, checks that it sent <paramref name="request"/>, then sends <paramref name="reply"/> and a FIN.</summary>
    public static ScriptedBackend RepliesAfterHalfClose(string request, byte[] reply) => new(async socket =>
    {
        Assert.Equal(request, Encoding.ASCII.GetString(await socket.ReadToEndAsync()));
        await socket.SendAsync(reply);
        socket.Shutdown(SocketShutdown.Send);
    });

    public static async Task EchoHandler(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                socket.Shutdown(SocketShutdown.Send);
                return;
            }
            await socket.SendAsync(buffer.AsMemory(0, n));
        }
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            _ = Serve(socket);
        }
    }

    private async Task Serve(Socket socket)
    {
        try
        {
            await _handler(socket);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }
}
