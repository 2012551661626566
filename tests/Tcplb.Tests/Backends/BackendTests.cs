using Tcplb.Tests.Support;

namespace Tcplb.Tests.Backends;

public class BackendTests
{
    private readonly FakeTimeProvider _time = new();
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(10);

    [Fact]
    public void MarkFailed_TakesTheServerDownForTheCooldown()
    {
        var server = Servers.Make(1)[0];
        Assert.Equal(Base, server.MarkFailed(_time.GetTimestamp(), Base, _time.TimestampFrequency));
        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(server.IsAvailable(_time.GetTimestamp()));
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(server.IsAvailable(_time.GetTimestamp()));
    }

    [Fact]
    public void MarkFailed_WhileAlreadyDown_DoesNotExtendOrReport()
    {
        var server = Servers.Make(1)[0];
        server.MarkFailed(_time.GetTimestamp(), Base, _time.TimestampFrequency);
        var downUntil = server.DownUntil;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(server.MarkFailed(_time.GetTimestamp(), Base, _time.TimestampFrequency));
        Assert.Equal(downUntil, server.DownUntil);
        Assert.Equal(2, server.ConnectFailures);
    }

    [Fact]
    public void MarkFailed_AgainAfterTheCooldown_Doubles_AndSuccessResets()
    {
        var server = Servers.Make(1)[0];
        server.MarkFailed(_time.GetTimestamp(), Base, _time.TimestampFrequency);
        _time.Advance(Base);
        Assert.Equal(2 * Base, server.MarkFailed(_time.GetTimestamp(), Base, _time.TimestampFrequency));
        _time.Advance(2 * Base);
        Assert.True(server.MarkConnected());
        Assert.Equal(0, server.ConsecutiveFailures);
        Assert.Equal(Base, server.MarkFailed(_time.GetTimestamp(), Base, _time.TimestampFrequency));
    }

    [Fact]
    public void MarkConnected_OnAHealthyServer_ReportsNoRecovery_AndCounts()
    {
        var server = Servers.Make(1)[0];
        Assert.False(server.MarkConnected());
        Assert.Equal((1, 1L), (server.Active, server.Connections));
        server.MarkClosed(10, 20);
        Assert.Equal((0, 10L, 20L), (server.Active, server.BytesSent, server.BytesReceived));
    }
}
