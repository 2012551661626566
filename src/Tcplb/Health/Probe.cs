using System.Net;
using System.Net.Sockets;
using System.Text;
using Tcplb.Backends;
using Tcplb.Infrastructure;

namespace Tcplb.Health;

/// <summary>
/// The active check of one server address: a TCP connect to its check port, then, for a send/expect or HTTP
/// check, the request and the answer judged by <see cref="CheckAnswer"/> as it comes (at most
/// <see cref="CheckAnswer.MaxLength"/> bytes). One check at a time; the checker's tick starts it and ends it at
/// its deadline (by closing its socket, which fails whatever it awaits). A check never takes a slab slice and
/// is never counted as a client connection.
/// </summary>
/// <remarks>Threading: started and expired from the timeout thread; its steps continue on socket completions.</remarks>
internal sealed class Probe(Backend server, CheckPlan plan, Action<Probe, CheckOutcome, long> finished)
{
    private readonly byte[] _answer = plan.ReadsAnswer ? new byte[CheckAnswer.MaxLength] : [];
    private Socket? _socket;
    private long _deadline;
    private volatile bool _running;
    private volatile bool _timedOut;

    /// <summary>The server as the latest list has it (a reload may give it new settings; the address stays).</summary>
    public Backend Server { get; set; } = server;

    /// <summary>When the next check is due (a timestamp of the checker's clock).</summary>
    public long NextDue { get; set; }

    public bool Running => _running;

    public void Start(long now)
    {
        _running = true;
        _timedOut = false;
        _deadline = now + plan.TimeoutTicks;
        _ = Run(now);
    }

    /// <summary>Past the deadline, closes the check's socket: the step it awaits fails, and the check reports a timeout.</summary>
    public void Expire(long now)
    {
        if (_running && now >= _deadline)
        {
            _timedOut = true;
            Interlocked.Exchange(ref _socket, null)?.Dispose();
        }
    }

    private async Task Run(long startedAt)
    {
        var server = Server;
        var endPoint = new IPEndPoint(server.EndPoint.Address, plan.PortOf(server));
        CheckOutcome outcome;
        try
        {
            // Inside the try: out of descriptors, the check fails (and is tried again next interval) instead of
            // leaving this probe running for ever.
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            Volatile.Write(ref _socket, socket);
            ServerSocket.LeaveFrom(socket, plan.Source);
            await socket.ConnectAsync(endPoint).ConfigureAwait(false);
            if (plan.RequestFor(server) is { } request)
            {
                await socket.SendAsync(request, SocketFlags.None).ConfigureAwait(false);
            }
            outcome = plan.ReadsAnswer ? await ReadAnswer(socket).ConfigureAwait(false) : CheckOutcome.Passed;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            outcome = _timedOut || e is ObjectDisposedException ? CheckOutcome.Timeout : Classify(((SocketException)e).SocketErrorCode);
        }
        finally
        {
            Interlocked.Exchange(ref _socket, null)?.Dispose();
        }
        var took = plan.Time.GetTimestamp() - startedAt;
        _running = false;
        finished(this, _timedOut ? CheckOutcome.Timeout : outcome, took);
    }

    /// <summary>Reads until the answer decides the check, fills the buffer (a failure), or ends.</summary>
    private async Task<CheckOutcome> ReadAnswer(Socket socket)
    {
        var filled = 0;
        while (filled < _answer.Length)
        {
            var n = await socket.ReceiveAsync(_answer.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
            if (n == 0)
            {
                return filled == 0 ? CheckOutcome.Closed : CheckOutcome.Mismatch;
            }
            filled += n;
            if (CheckAnswer.Judge(_answer.AsSpan(0, filled), plan.Expect, plan.HttpPath is not null, plan.HttpStatuses) is { } outcome)
            {
                return outcome;
            }
        }
        return CheckOutcome.Mismatch;
    }

    private static CheckOutcome Classify(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => CheckOutcome.Refused,
        SocketError.TimedOut => CheckOutcome.Timeout,
        SocketError.ConnectionReset or SocketError.ConnectionAborted => CheckOutcome.Reset,
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => CheckOutcome.Unreachable,
        SocketError.OperationAborted => CheckOutcome.Timeout,
        _ => CheckOutcome.Error,
    };
}

/// <summary>
/// What every check does, from the settings: the limit in clock ticks, the default check port, the bytes to send
/// (or the HTTP request's path), what the answer must hold, and the <c>--source</c> address to leave from.
/// </summary>
internal sealed record CheckPlan(TimeProvider Time, long TimeoutTicks, byte[]? Send, byte[]? Expect, System.Net.IPEndPoint? Source = null)
{
    /// <summary><c>--check-port</c>; 0: each server's own port (unless its <c>check-port=</c> says otherwise).</summary>
    public int Port { get; init; }

    public string? HttpPath { get; init; }

    /// <summary>The statuses an HTTP check accepts; null: any 2xx or 3xx.</summary>
    public int[]? HttpStatuses { get; init; }

    public bool ReadsAnswer => Expect is not null || HttpPath is not null;

    public int PortOf(Backend server) => server.CheckPortOr(Port);

    /// <summary>The bytes a check of <paramref name="server"/> sends first, if any; an HTTP request names the server's host.</summary>
    public byte[]? RequestFor(Backend server) =>
        HttpPath is null
            ? Send
            : Encoding.ASCII.GetBytes(
                $"GET {HttpPath} HTTP/1.1\r\nHost: {server.HostName}:{PortOf(server)}\r\nConnection: close\r\nUser-Agent: tcplb-check\r\n\r\n");

    public static CheckPlan From(Configuration.Settings settings, TimeProvider time) =>
        new(time, time.Ticks(settings.EffectiveCheckTimeout), settings.CheckSend, settings.CheckExpect, settings.SourceEndPoint)
        {
            Port = settings.CheckPort,
            HttpPath = settings.CheckHttpPath,
            HttpStatuses = settings.CheckHttpStatuses,
        };
}
