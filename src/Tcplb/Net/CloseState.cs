namespace Tcplb.Net;

/// <summary>
/// Which connection a pooled session is serving, and why it ended. A session serves many connections in
/// turn; each gets the next generation. The first close reason for a generation wins and later ones are
/// ignored, and a close meant for an earlier generation (a late timeout from the timeout thread) does
/// nothing. Generation and reason share one 64-bit word, so that "is this still that connection, still
/// open?" and "mark it closed for this reason" are a single compare-and-swap.
/// </summary>
/// <remarks>A mutable struct: keep it in a field and call it in place, never copy it.</remarks>
internal struct CloseState
{
    private const int ReasonBits = 8;
    private long _word;

    /// <summary>The connection being served now.</summary>
    public long Generation => Volatile.Read(ref _word) >> ReasonBits;

    /// <summary>Why it ended; <see cref="CloseReason.None"/> while it is open.</summary>
    public CloseReason Reason => (CloseReason)(Volatile.Read(ref _word) & ((1 << ReasonBits) - 1));

    /// <summary>Starts the next connection: a new generation, open. Called only while no close can race it.</summary>
    public void Open() => Volatile.Write(ref _word, (Generation + 1) << ReasonBits);

    /// <summary>Records <paramref name="reason"/> if <paramref name="generation"/> is current and still open; true when it did.</summary>
    public bool TryClose(long generation, CloseReason reason)
    {
        var open = generation << ReasonBits;
        return Interlocked.CompareExchange(ref _word, open | (long)reason, open) == open;
    }
}
