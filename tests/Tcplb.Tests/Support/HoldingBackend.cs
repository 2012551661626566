using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Tcplb.Tests.Support;

/// <summary>A server that holds every connection open until the client closes it or <see cref="CloseAll"/>; counts them.</summary>
internal sealed class HoldingBackend : IDisposable
{
    private readonly ScriptedBackend _server;
    private readonly ConcurrentDictionary<Socket, bool> _held = new();
    private int _open;
    private int _mostAtOnce;

    public HoldingBackend() => _server = new ScriptedBackend(Hold);

    public IPEndPoint EndPoint => _server.EndPoint;

    /// <summary>Connections open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>The most connections that were open at once.</summary>
    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    /// <summary>Connections accepted since start.</summary>
    public int Served => _server.Connections;

    /// <summary>Closes every connection held now; each stops counting as open before it is closed, so that a count never lags a close.</summary>
    public void CloseAll()
    {
        foreach (var socket in _held.Keys)
        {
            if (_held.TryRemove(socket, out _))
            {
                Interlocked.Decrement(ref _open);
                socket.Close(0);
            }
        }
    }

    private async Task Hold(Socket socket)
    {
        var open = Interlocked.Increment(ref _open);
        for (var most = _mostAtOnce; open > most && Interlocked.CompareExchange(ref _mostAtOnce, open, most) != most; most = _mostAtOnce)
        {
        }
        _held[socket] = true;
        try
        {
            while (await socket.ReceiveAsync(new byte[256]) > 0)
            {
            }
        }
        finally
        {
            if (_held.TryRemove(socket, out _))
            {
                Interlocked.Decrement(ref _open);
            }
        }
    }

    public void Dispose() => _server.Dispose();
}

/// <summary>Several disposables disposed together.</summary>
internal sealed class DisposableList<T>(T[] items) : IDisposable where T : IDisposable
{
    public T[] Items { get; } = items;

    public void Dispose()
    {
        foreach (var item in Items)
        {
            item.Dispose();
        }
    }
}
