using System.Net.Sockets;
using Tcplb.Backends;
using Tcplb.Infrastructure;

namespace Tcplb.Health;

/// <summary>
/// The active check of one server address: a TCP connect, then, for a send/expect check, the bytes to send and
/// the first bytes of the answer compared with those expected. One check at a time; the checker's tick starts
/// it and ends it at its deadline (by closing its socket, which fails whatever it awaits). A check never takes
/// a slab slice and is never counted as a client connection.
/// </summary>
/// <remarks>Threading: started and expired from the timeout thread; its steps continue on socket completions.</remarks>
internal sealed class Probe(Backend server, CheckPlan plan, Action<Probe, CheckOutcome, long> finished)
{
    private readonly byte[] _answer = new byte[plan.Expect?.Length ?? 0];
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
        var endPoint = Server.EndPoint;
        CheckOutcome outcome;
        try
        {
            // Inside the try: out of descriptors, the check fails (and is tried again next interval) instead of
            // leaving this probe running for ever.
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            Volatile.Write(ref _socket, socket);
            ServerSocket.LeaveFrom(socket, plan.Source);
            await socket.ConnectAsync(endPoint).ConfigureAwait(false);
            if (plan.Send is { } send)
            {
                await socket.SendAsync(send, SocketFlags.None).ConfigureAwait(false);
            }
            outcome = plan.Expect is { } expect ? await ReadAnswer(socket, expect).ConfigureAwait(false) : CheckOutcome.Passed;
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

    /// <summary>Reads until the answer holds as many bytes as expected (or differs, or ends) and compares.</summary>
    private async Task<CheckOutcome> ReadAnswer(Socket socket, byte[] expect)
    {
        var filled = 0;
        while (filled < expect.Length)
        {
            var n = await socket.ReceiveAsync(_answer.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
            if (n == 0)
            {
                return CheckOutcome.Closed;
            }
            if (!_answer.AsSpan(filled, n).SequenceEqual(expect.AsSpan(filled, n)))
            {
                return CheckOutcome.Mismatch;
            }
            filled += n;
        }
        return CheckOutcome.Passed;
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

/// <summary>What every check does, from the settings: the limit in clock ticks, the bytes to send and expect, and the <c>--source</c> address to leave from.</summary>
internal sealed record CheckPlan(TimeProvider Time, long TimeoutTicks, byte[]? Send, byte[]? Expect, System.Net.IPEndPoint? Source = null)
{
    public static CheckPlan From(Configuration.Settings settings, TimeProvider time) =>
        new(time, time.Ticks(settings.EffectiveCheckTimeout), settings.CheckSend, settings.CheckExpect, settings.SourceEndPoint);
}
