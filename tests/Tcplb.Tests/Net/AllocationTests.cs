using System.Diagnostics;
using System.Text.RegularExpressions;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Net;

/// <summary>
/// The hot path allocates nothing per relayed chunk. Counted with <see cref="GC.GetTotalAllocatedBytes"/> in a
/// process of its own (tests/AllocationProbe): this test host allocates ~1.7 KB/s in the background, which
/// would hide or fake a result.
/// </summary>
[Collection(NonParallel.Name)]
public partial class AllocationTests
{
    /// <summary>
    /// Bytes allocated per connection accepted, relayed (one chunk each way) and closed, process-wide and so
    /// including the probe client's own socket. Measured: about 2,600. The runtime's <c>Socket</c> objects,
    /// their handles and endpoints; nothing of tcplb's own after warm-up.
    /// </summary>
    public const long PerConnectionBudget = 4096;

    [Fact]
    public void RelayingTenThousandChunksEachWay_OverAnEstablishedConnection_AllocatesNothing()
    {
        var (allocated, chunks, most) = RunProbe("chunks");
        Assert.Equal(0, allocated); // the least of three windows of 10,000 chunks each way
        Assert.True(most < chunks, $"{most} bytes in the worst window: that is per chunk, not the thread pool's occasional segment");
    }

    [Fact]
    public void AThousandConnections_AcceptedRelayedAndClosed_StayWithinTheBudget()
    {
        var (allocated, connections, _) = RunProbe("connections");
        var perConnection = allocated / connections;
        Assert.True(perConnection <= PerConnectionBudget, $"{perConnection} bytes per connection");
    }

    /// <summary>Runs the probe; returns the bytes it allocated while measuring, over how many operations, and the worst window.</summary>
    private static (long Allocated, long Operations, long Most) RunProbe(string mode)
    {
        var probe = Path.Combine(AppContext.BaseDirectory, "AllocationProbe.dll");
        var start = new ProcessStartInfo("dotnet", [probe, mode]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(Eventually.Patience), "the allocation probe did not finish");
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        var match = ProbeLine().Match(output);
        Assert.True(match.Success, output);
        var most = MostLine().Match(output);
        return (long.Parse(match.Groups[1].Value), long.Parse(match.Groups[2].Value), most.Success ? long.Parse(most.Groups[1].Value) : 0);
    }

    [GeneratedRegex(@"allocated=(\d+) operations=(\d+)")]
    private static partial Regex ProbeLine();

    [GeneratedRegex(@"most=(\d+)")]
    private static partial Regex MostLine();
}
