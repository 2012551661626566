using System.Net;
using System.Net.Sockets;
using System.Text;
using Tcplb.Net;
using Tcplb.Runtime;

namespace Tcplb.Admin;

/// <summary>
/// A small HTTP/1.1 responder for operators: <c>/metrics</c>, <c>/status</c>, <c>/</c> and <c>/healthz</c>.
/// GET (and HEAD) only, requests of at most 8 KiB read within 5 seconds, one request per connection.
/// Runs on the thread pool with ordinary async code; it sees the balancer only through its status.
/// Bind it to loopback or a private network: it has no authentication.
/// </summary>
internal sealed class AdminServer : IDisposable
{
    private const int MaxRequestBytes = 8 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<ProxyStatus> _status;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Binds at once, so that a taken address is reported at start-up.</summary>
    /// <param name="status">The balancer's status, of the whole group of workers.</param>
    public AdminServer(IPEndPoint endPoint, Func<ProxyStatus> status)
    {
        _status = status;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            ListenSocket.AllowRestart(_socket);
            _socket.Bind(endPoint);
            _socket.Listen(128);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public void Start() => _ = AcceptLoop();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100); // out of descriptors: the relays need them more
                continue;
            }
            _ = Serve(client);
        }
    }

    private async Task Serve(Socket client)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            timeout.CancelAfter(RequestTimeout);
            try
            {
                var head = await ReadHead(client, timeout.Token);
                var (status, contentType, body) = head is null ? (400, "text/plain", "bad request\n"u8.ToArray()) : Route(head);
                var headOnly = head?.StartsWith("HEAD ", StringComparison.Ordinal) == true;
                await client.SendAsync(Response(status, contentType, body, headOnly), SocketFlags.None, timeout.Token);
                client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Reads up to the blank line that ends the request head; null when it is too big or the client stops.</summary>
    private static async Task<string?> ReadHead(Socket client, CancellationToken cancel)
    {
        var buffer = new byte[MaxRequestBytes];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancel);
            if (n == 0)
            {
                return null;
            }
            filled += n;
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return Encoding.ASCII.GetString(buffer, 0, end);
            }
        }
        return null;
    }

    internal (int Status, string ContentType, byte[] Body) Route(string head)
    {
        var requestLine = head.Split("\r\n", 2)[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return (400, "text/plain", "bad request\n"u8.ToArray());
        }
        if (requestLine[0] is not ("GET" or "HEAD"))
        {
            return (405, "text/plain", "only GET\n"u8.ToArray());
        }
        var path = requestLine[1].Split('?', 2)[0];
        return path switch
        {
            "/metrics" => (200, PrometheusText.ContentType, Encoding.UTF8.GetBytes(PrometheusText.Write(_status()))),
            "/status" => (200, "application/json", StatusJson.Write(_status())),
            "/" => (200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(StatusPage.Html)),
            "/healthz" => Health(),
            _ => (404, "text/plain", "not found\n"u8.ToArray()),
        };
    }

    /// <summary>200 while accepting and not stopping; 503 from a stop signal on, through <c>--shutdown-delay</c> ("stopping") and the drain.</summary>
    private (int, string, byte[]) Health()
    {
        var status = _status();
        if (status.Healthy)
        {
            return (200, "text/plain", "ok\n"u8.ToArray());
        }
        return (503, "text/plain", status.Accepting ? "stopping\n"u8.ToArray() : "draining\n"u8.ToArray());
    }

    private static byte[] Response(int status, string contentType, byte[] body, bool headOnly)
    {
        var reason = status switch { 200 => "OK", 400 => "Bad Request", 404 => "Not Found", 405 => "Method Not Allowed", _ => "Service Unavailable" };
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n" +
                   (status == 405 ? "Allow: GET, HEAD\r\n" : "") + "Cache-Control: no-store\r\nConnection: close\r\n\r\n";
        var headBytes = Encoding.ASCII.GetBytes(head);
        return headOnly ? headBytes : [.. headBytes, .. body];
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }
}
