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
        var (allocated, _) = RunProbe("chunks");
        // The least of three windows of 10,000 chunks each way: anything allocated per chunk, or every few
        // chunks, shows in every window, while the runtime's own occasional allocations (a thread pool
        // thread or queue segment, more often on a loaded machine) do not.
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("connections")]
    [InlineData("routed")] // each connection's ClientHello read and routed by its server name first
    [InlineData("limited")] // per-client limit on, maxconn=1, every client waiting in the queue for the previous one's slot
    public void AThousandConnections_AcceptedRelayedAndClosed_StayWithinTheBudget(string mode)
    {
        var (allocated, connections) = RunProbe(mode);
        var perConnection = allocated / connections;
        Assert.True(perConnection <= PerConnectionBudget, $"{perConnection} bytes per connection");
    }

    /// <summary>Runs the probe; returns the bytes it allocated while measuring, over how many operations, and the worst window.</summary>
    private static (long Allocated, long Operations) RunProbe(string mode)
    {
        var probe = Path.Combine(AppContext.BaseDirectory, "AllocationProbe.dll");
        var start = new ProcessStartInfo("dotnet", [probe, mode]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(Eventually.Patience), "the allocation probe did not finish");
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        var match = ProbeLine().Match(output);
        Assert.True(match.Success, output);
        return (long.Parse(match.Groups[1].Value), long.Parse(match.Groups[2].Value));
    }

    [GeneratedRegex(@"allocated=(\d+) operations=(\d+)")]
    private static partial Regex ProbeLine();
}
