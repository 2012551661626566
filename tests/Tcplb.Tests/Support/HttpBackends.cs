using System.Net;
using System.Net.Sockets;
using System.Text;
using EchoServer;

namespace Tcplb.Tests.Support;

/// <summary>The project's echo server in HTTP mode, in-process: each answers with its own name.</summary>
internal sealed class HttpBackend : IDisposable
{
    private EchoListener _listener;

    public HttpBackend(string name, int port = 0)
    {
        Name = name;
        _listener = new EchoListener(new EchoOptions(port, name, Http: true));
        _listener.Start();
        Port = _listener.Port;
    }

    public string Name { get; }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public void Stop() => _listener.Dispose();

    /// <summary>Listens again on the same port.</summary>
    public void Restart()
    {
        _listener = new EchoListener(new EchoOptions(Port, Name, Http: true));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>One request on a new connection through <paramref name="proxy"/>; returns the name of the server that answered.</summary>
    public static Task<string> AskAsync(TestProxy proxy) => AskAsync(proxy.EndPoint);

    /// <summary>One request on a new connection to <paramref name="endPoint"/>; returns the name of the server that answered.</summary>
    public static async Task<string> AskAsync(IPEndPoint endPoint)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        await socket.SendAsync("GET /test_endpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        var response = Encoding.ASCII.GetString(await Eventually.Within(socket.ReadToEndAsync()));
        Assert.StartsWith("HTTP/1.1 200 OK", response);
        return response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Trim();
    }
}
