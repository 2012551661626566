using Tcplb.Backends;

namespace Tcplb.Balancing;

/// <summary>
/// The servers one client has been tried on so far, so that each is tried at most once per client, and whether it
/// must wait for a slot. Owned and reused by one session; not thread-safe
/// (while the client waits in a queue, the pool's dispatch uses it under the queue's lock).
/// </summary>
internal sealed class ConnectAttempt
{
    private Backend?[] _tried = new Backend?[4];
    private int _triedCount;

    /// <summary>A hash of the client's address, for source hashing; 0 otherwise.</summary>
    public ulong ClientHash { get; private set; }

    public int Tries => _triedCount;

    /// <summary>Servers one client may be tried on (<c>--retries</c> + 1); by default every server of its pool once.</summary>
    public int MaxTries { get; init; } = int.MaxValue;

    /// <summary>Set by the last pick that found no server: true when servers at their <c>maxconn</c> (or clients queued before this one) mean it should wait, not give up.</summary>
    public bool MustWait { get; set; }

    /// <summary>Whether this client has had its turn in the queue: it picks again without queueing behind later clients.</summary>
    public bool HasWaited { get; set; }

    public void Begin(ulong clientHash)
    {
        Array.Clear(_tried, 0, _triedCount);
        _triedCount = 0;
        ClientHash = clientHash;
        MustWait = false;
        HasWaited = false;
    }

    public bool HasTried(Backend server) => Array.IndexOf(_tried, server, 0, _triedCount) >= 0;

    public void MarkTried(Backend server)
    {
        if (_triedCount == _tried.Length)
        {
            Array.Resize(ref _tried, _tried.Length * 2);
        }
        _tried[_triedCount++] = server;
    }
}
