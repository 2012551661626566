using System.Net;
using Tcplb.Backends;
using Tcplb.Net;
using Tcplb.SharedState;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.SharedState;

public class HistogramTests
{
    private static readonly IPEndPoint Address = new(IPAddress.Loopback, 5000);

    [Theory]
    [InlineData(0, 0)] // le="0.0005"
    [InlineData(500, 0)] // a value on a bound is in that bound's bucket (le: less or equal)
    [InlineData(501, 1)]
    [InlineData(3_000, 3)] // le="0.005"
    [InlineData(10_000_000, 13)] // le="10", the last bound
    public void Record_PutsAValueInTheFirstBucketWhoseBoundHoldsIt(long microseconds, int bucket)
    {
        var state = new BackendState();
        state.RecordConnectTime(microseconds);
        var read = state.ConnectTime;
        Assert.Equal(Enumerable.Range(0, 14).Select(i => i >= bucket ? 1L : 0L), read.Cumulative);
        Assert.Equal((1L, microseconds / 1e6), (read.Count, read.SumSeconds));
    }

    [Fact]
    public void Record_AValueAboveTheLastBound_CountsOnlyInTheCountAndTheSum()
    {
        var state = new BackendState();
        state.RecordConnectTime(10_000_001);
        state.RecordConnectTime(1_000);
        var read = state.ConnectTime;
        Assert.Equal((1L, 1L, 2L, 10.001001), (read.Cumulative[1], read.Cumulative[^1], read.Count, read.SumSeconds));
    }

    [Fact]
    public void Buckets_AreTheFixedOnes()
    {
        Assert.Equal([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], Histogram.ConnectTime.Bounds.ToArray());
        Assert.Equal([0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800, 3600], Histogram.Duration.Bounds.ToArray());
    }

    [Fact]
    public void ConnectTime_IsWrittenPerWorker_AndReadAsTheGroupsSum()
    {
        var (first, second) = SharedTables.TwoWorkers();
        var one = BackendState.For(first, Address);
        var other = BackendState.For(second, Address);
        one.RecordConnectTime(200);
        other.RecordConnectTime(2_000);
        other.RecordConnectTime(20_000);
        foreach (var read in new[] { one.ConnectTime, other.ConnectTime })
        {
            Assert.Equal((1L, 2L, 3L, 3L), (read.Cumulative[0], read.Cumulative[2], read.Cumulative[5], read.Count));
            Assert.Equal(0.0222, read.SumSeconds, 9);
        }
    }

    [Fact]
    public void Duration_IsWrittenPerWorker_AndReadAsTheGroupsSum()
    {
        var (first, second) = SharedTables.TwoWorkers();
        new ConnectionCounters(first).Closed(CloseReason.Done, 5_000);
        new ConnectionCounters(second).Closed(CloseReason.Done, 2_000_000);
        var read = new ConnectionCounters(first).Duration;
        Assert.Equal((1L, 1L, 2L, 2L), (read.Cumulative[0], read.Cumulative[4], read.Cumulative[5], read.Count));
        Assert.Equal(2.005, read.SumSeconds, 9);
    }
}
