using System.Net;
using System.Net.Sockets;

namespace Tcplb.Net;

/// <summary>
/// Moves bytes one way, from one socket to the other, through one slab window: receive, send all of it,
/// repeat. Receives use the first <see cref="BufferSlab.InitialWindow"/> bytes of the window until one fills
/// them, then the whole window: request/response traffic touches one page set per direction, bulk streams
/// get large reads. One <see cref="SocketAsyncEventArgs"/> (this object) serves every operation for the life of the
/// process, so a relayed chunk allocates nothing. Synchronous completions are the fast path and loop here;
/// after <see cref="MaxSynchronousChunks"/> in a row the relay yields its thread, so that a bulk stream
/// cannot starve other connections served by the same socket engine thread.
/// </summary>
/// <remarks>
/// Threading: at most one operation is outstanding, so at most one thread runs a relay at a time.
/// The end of the direction (FIN, error, abort) is reported exactly once to <see cref="Session.RelayEnded"/>.
/// </remarks>
internal sealed class Relay : SocketAsyncEventArgs, IThreadPoolWorkItem
{
    private const int MaxSynchronousChunks = 16;

    private readonly Session _session;
    private Memory<byte> _window;
    private ReceiveSize _receiveSize;
    private Socket _from = null!;
    private Socket _to = null!;

    public Relay(Session session)
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        _session = session;
    }

    /// <summary>Bytes relayed since <see cref="Start"/>.</summary>
    public long Bytes { get; private set; }

    /// <summary>The socket this relay writes to.</summary>
    public Socket Destination => _to;

    /// <summary>
    /// Starts relaying through <paramref name="window"/>. When <paramref name="prefilled"/> is more than zero,
    /// the window already holds that many bytes (a PROXY protocol header) to send before the first receive.
    /// </summary>
    public void Start(Socket from, Socket to, Memory<byte> window, int prefilled = 0)
    {
        _from = from;
        _to = to;
        _window = window;
        _receiveSize = ReceiveSize.For(window.Length);
        Bytes = 0;
        if (prefilled > 0)
        {
            SetBuffer(window[..prefilled]);
            if (!Send())
            {
                return;
            }
        }
        Receive();
    }

    /// <summary>
    /// Connects <paramref name="socket"/> with these arguments before the relay starts, for the session's connect
    /// phase (the downstream relay's, idle until a server is connected): one <see cref="SocketAsyncEventArgs"/>
    /// fewer per session, about 190 bytes of every held connection. True when pending: the completion goes to
    /// <see cref="Session.OnConnectCompleted"/>.
    /// </summary>
    public bool Connect(Socket socket, EndPoint server)
    {
        SetBuffer(Memory<byte>.Empty); // a buffer left from the last connection would be sent on connect
        RemoteEndPoint = server;
        return socket.ConnectAsync(this);
    }

    void IThreadPoolWorkItem.Execute() => Receive();

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (LastOperation == SocketAsyncOperation.Connect)
        {
            _session.OnConnectCompleted();
            return;
        }
        var chunkDone = LastOperation == SocketAsyncOperation.Receive
            ? Received()
            : AfterSend() switch
            {
                SendState.Complete => true,
                SendState.Partial => Send(),
                _ => false,
            };
        if (chunkDone)
        {
            Receive();
        }
    }

    private void Receive()
    {
        for (var i = 0; i < MaxSynchronousChunks; i++)
        {
            SetBuffer(_window[.._receiveSize.Bytes]);
            try
            {
                if (_from.ReceiveAsync(this))
                {
                    return;
                }
            }
            catch (ObjectDisposedException)
            {
                _session.RelayEnded(this, RelayEnd.Aborted, SocketError.OperationAborted);
                return;
            }
            if (!Received())
            {
                return;
            }
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Handles a finished receive; true when the chunk was forwarded in full and the next receive may start.</summary>
    private bool Received()
    {
        if (SocketError != SocketError.Success)
        {
            _session.RelayEnded(this, RelayEnd.ReadFailed, SocketError);
            return false;
        }
        var received = BytesTransferred;
        if (received == 0)
        {
            _session.RelayEnded(this, RelayEnd.EndOfStream, SocketError.Success);
            return false;
        }
        Bytes += received;
        _receiveSize.Received(received);
        _session.Touch();
        SetBuffer(_window[..received]);
        return Send();
    }

    /// <summary>Sends the current buffer window; true when all of it went synchronously.</summary>
    private bool Send()
    {
        while (true)
        {
            try
            {
                if (_to.SendAsync(this))
                {
                    return false;
                }
            }
            catch (ObjectDisposedException)
            {
                _session.RelayEnded(this, RelayEnd.Aborted, SocketError.OperationAborted);
                return false;
            }
            switch (AfterSend())
            {
                case SendState.Complete:
                    return true;
                case SendState.Failed:
                    return false;
            }
        }
    }

    private SendState AfterSend()
    {
        if (SocketError != SocketError.Success)
        {
            _session.RelayEnded(this, RelayEnd.WriteFailed, SocketError);
            return SendState.Failed;
        }
        if (BytesTransferred == Count)
        {
            return SendState.Complete;
        }
        SetBuffer(MemoryBuffer[BytesTransferred..]);
        return SendState.Partial;
    }

    private enum SendState
    {
        Complete,
        Partial,
        Failed,
    }
}

/// <summary>How one direction of a connection ended.</summary>
internal enum RelayEnd
{
    /// <summary>The source sent FIN: pass it on as FIN.</summary>
    EndOfStream,

    /// <summary>Receiving from the source failed (reset, ...).</summary>
    ReadFailed,

    /// <summary>Sending to the destination failed.</summary>
    WriteFailed,

    /// <summary>The socket was closed under the relay (the connection is already being torn down).</summary>
    Aborted,
}

/// <summary>
/// How much of its window a relay offers to the next receive: <see cref="BufferSlab.InitialWindow"/> at
/// first, the whole window once a receive has filled that (more was waiting: a bulk stream).
/// </summary>
internal struct ReceiveSize
{
    private int _window;

    public int Bytes { get; private set; }

    public static ReceiveSize For(int window) => new() { _window = window, Bytes = Math.Min(BufferSlab.InitialWindow, window) };

    public void Received(int bytes)
    {
        if (bytes == Bytes)
        {
            Bytes = _window;
        }
    }
}
