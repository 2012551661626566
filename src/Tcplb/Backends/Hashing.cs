namespace Tcplb.Backends;

/// <summary>Small, stable, allocation-free 64-bit hashing (FNV-1a with a murmur finaliser), for consistent hashing.</summary>
internal static class Hashing
{
    public static ulong Of(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return Mix(hash);
    }

    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return Mix(hash);
    }

    /// <summary>Murmur3's 64-bit finaliser: spreads every input bit over every output bit.</summary>
    public static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }
}
