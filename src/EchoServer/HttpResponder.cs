using System.Net.Sockets;
using System.Text;

namespace EchoServer;

/// <summary>
/// Answers HTTP/1.1 requests on one connection with <c>200 OK</c> and a body naming the server,
/// keeping the connection open unless the client asks to close it. Pipelined requests are answered in order.
/// </summary>
internal static class HttpResponder
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    public static async Task Serve(Socket client, string name, CancellationToken stopping)
    {
        var body = Encoding.ASCII.GetBytes(name + "\n");
        var keepAlive = Response(body, close: false);
        var closing = Response(body, close: true);
        var buffer = new byte[16 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                var n = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, stopping);
                if (n == 0)
                {
                    break;
                }
                filled += n;
                var consumed = 0;
                while (TryTakeRequest(buffer.AsSpan(consumed, filled - consumed), out var length, out var close))
                {
                    consumed += length;
                    await client.SendAsync(close ? closing : keepAlive, SocketFlags.None, stopping);
                    if (close)
                    {
                        client.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (filled == buffer.Length)
                {
                    return; // a request head larger than the buffer: not a client we serve
                }
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

    /// <summary>Finds one whole request (head plus a Content-Length body) at the start of <paramref name="data"/>.</summary>
    internal static bool TryTakeRequest(ReadOnlySpan<byte> data, out int length, out bool close)
    {
        length = 0;
        close = false;
        var headEnd = data.IndexOf(HeaderEnd);
        if (headEnd < 0)
        {
            return false;
        }
        var head = Encoding.ASCII.GetString(data[..headEnd]);
        var contentLength = 0;
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                close |= line.EndsWith("HTTP/1.0", StringComparison.Ordinal);
                continue;
            }
            var field = line.AsSpan(0, colon).Trim();
            var value = line.AsSpan(colon + 1).Trim();
            if (field.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                _ = int.TryParse(value, out contentLength);
            }
            else if (field.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                close = value.Equals("close", StringComparison.OrdinalIgnoreCase);
            }
        }
        length = headEnd + HeaderEnd.Length + contentLength;
        return data.Length >= length;
    }

    private static byte[] Response(byte[] body, bool close) => Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" +
        $"Content-Length: {body.Length}\r\nConnection: {(close ? "close" : "keep-alive")}\r\n\r\n" +
        Encoding.ASCII.GetString(body));
}
