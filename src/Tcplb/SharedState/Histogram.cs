namespace Tcplb.SharedState;

/// <summary>
/// A histogram of durations with fixed bucket bounds, counted in the workers' own rows of the shared table
/// (<see cref="HistogramCounts"/>) and read as the group's sum. The one owner of each histogram's bounds: the
/// recording side and <c>/metrics</c> both read them here.
/// </summary>
/// <remarks>
/// Threading: <see cref="Record"/> from any thread of the worker that owns the row (three <see cref="Interlocked"/>
/// adds, nothing allocated); <see cref="Read"/> from any thread of any worker.
/// </remarks>
internal sealed class Histogram
{
    /// <summary>From the start of the connect attempt that succeeded until it completed, per server.</summary>
    public static readonly Histogram ConnectTime = new([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

    /// <summary>A client connection's life, from accept to release.</summary>
    public static readonly Histogram Duration = new([0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800, 3600]);

    private readonly double[] _bounds;
    private readonly long[] _boundMicroseconds;

    private Histogram(double[] bounds)
    {
        if (bounds.Length > HistogramCounts.MaxBuckets)
        {
            throw new ArgumentException($"at most {HistogramCounts.MaxBuckets} bounds", nameof(bounds));
        }
        _bounds = bounds;
        _boundMicroseconds = Array.ConvertAll(bounds, b => (long)Math.Round(b * 1_000_000));
        Zero = new HistogramSnapshot(bounds, new long[bounds.Length], 0, 0);
    }

    public delegate ref HistogramCounts Cells<T>(ref T row);

    /// <summary>The upper bounds of the buckets, in seconds, smallest first (<c>+Inf</c> is implied).</summary>
    public ReadOnlySpan<double> Bounds => _bounds;

    /// <summary>A histogram that has counted nothing.</summary>
    public HistogramSnapshot Zero { get; }

    /// <summary>Counts one value in <paramref name="counts"/>, a row of this worker's own.</summary>
    public void Record(ref HistogramCounts counts, long microseconds)
    {
        // The count first and the bucket after, while Read takes the buckets first: a reader never sees more in
        // the buckets than in the count, so the +Inf bucket (the count) is never below the last finite one.
        Interlocked.Increment(ref counts.Count);
        var bucket = 0;
        while (bucket < _boundMicroseconds.Length && microseconds > _boundMicroseconds[bucket])
        {
            bucket++;
        }
        if (bucket < _boundMicroseconds.Length)
        {
            Interlocked.Increment(ref counts.Buckets[bucket]);
        }
        Interlocked.Add(ref counts.SumMicroseconds, microseconds);
    }

    /// <summary>Every worker's counts added up, with cumulative buckets as Prometheus writes them.</summary>
    public HistogramSnapshot Read<T>(PerWorker<T> rows, Cells<T> cells) where T : unmanaged
    {
        var cumulative = new long[_bounds.Length];
        var (sum, count) = (0L, 0L);
        for (var w = 0; w < rows.Count; w++)
        {
            ref var counts = ref cells(ref rows[w]);
            for (var i = 0; i < cumulative.Length; i++)
            {
                cumulative[i] += Volatile.Read(ref counts.Buckets[i]);
            }
            sum += Volatile.Read(ref counts.SumMicroseconds);
            count += Volatile.Read(ref counts.Count);
        }
        for (var i = 1; i < cumulative.Length; i++)
        {
            cumulative[i] += cumulative[i - 1];
        }
        return new HistogramSnapshot(_bounds, cumulative, sum / 1_000_000.0, count);
    }
}

/// <summary>
/// A histogram as read at one moment: <paramref name="Cumulative"/>[i] counts the values at most
/// <paramref name="Bounds"/>[i] seconds; <paramref name="Count"/> counts them all (the <c>+Inf</c> bucket).
/// </summary>
internal sealed record HistogramSnapshot(double[] Bounds, long[] Cumulative, double SumSeconds, long Count);
