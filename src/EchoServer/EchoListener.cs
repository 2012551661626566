using System.Net;
using System.Net.Sockets;

namespace EchoServer;

/// <summary>
/// Accepts connections on every interface (IPv4 and IPv6) and serves each one on its own task,
/// as raw echo or as HTTP/1.1 keep-alive. Port 0 picks a free port (see <see cref="Port"/>).
/// </summary>
internal sealed class EchoListener : IDisposable
{
    private readonly EchoOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _socket;

    public EchoListener(EchoOptions options) => _options = options;

    public int Port => ((IPEndPoint)_socket!.LocalEndPoint!).Port;

    public void Start()
    {
        _socket = Bind(_options.Port);
        _socket.Listen(4096);
        _ = AcceptLoop(_socket);
    }

    private static Socket Bind(int port)
    {
        if (Socket.OSSupportsIPv6)
        {
            var dual = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
            try
            {
                dual.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                dual.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
                return dual;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable)
            {
                dual.Dispose();
            }
        }
        var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        v4.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        v4.Bind(new IPEndPoint(IPAddress.Any, port));
        return v4;
    }

    private async Task AcceptLoop(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(10);
                continue;
            }
            client.NoDelay = true;
            _ = _options.Http ? HttpResponder.Serve(client, _options.Name, _stopping.Token) : Echo(client, _stopping.Token);
        }
    }

    private static async Task Echo(Socket client, CancellationToken stopping)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await client.ReceiveAsync(buffer, SocketFlags.None, stopping);
                if (n == 0)
                {
                    // Half-close in, half-close out: what the client sent has all been echoed.
                    client.Shutdown(SocketShutdown.Send);
                    break;
                }
                await client.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, stopping);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _socket?.Dispose();
    }
}
