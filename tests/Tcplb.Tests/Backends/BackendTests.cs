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
        Assert.Equal(Base, server.State.MarkFailed(_time, Base));
        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(server.State.IsAvailable(_time.GetTimestamp()));
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(server.State.IsAvailable(_time.GetTimestamp()));
    }

    [Fact]
    public void MarkFailed_WhileAlreadyDown_DoesNotExtendOrReport()
    {
        var server = Servers.Make(1)[0];
        server.State.MarkFailed(_time, Base);
        var downUntil = server.State.DownUntil;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(server.State.MarkFailed(_time, Base));
        Assert.Equal(downUntil, server.State.DownUntil);
        Assert.Equal(2, server.State.ConnectFailures);
    }

    [Fact]
    public void MarkFailed_AgainAfterTheCooldown_Doubles_AndSuccessResets()
    {
        var server = Servers.Make(1)[0];
        server.State.MarkFailed(_time, Base);
        _time.Advance(Base);
        Assert.Equal(2 * Base, server.State.MarkFailed(_time, Base));
        _time.Advance(2 * Base);
        Assert.True(server.State.MarkConnected());
        Assert.Equal(0, server.State.ConsecutiveFailures);
        Assert.Equal(Base, server.State.MarkFailed(_time, Base));
    }

    [Fact]
    public void MarkConnected_OnAHealthyServer_ReportsNoRecovery_AndCounts()
    {
        var server = Servers.Make(1)[0];
        Assert.False(server.State.MarkConnected());
        Assert.Equal((1, 1L), (server.State.Active, server.State.Connections));
        server.State.MarkClosed(10, 20);
        Assert.Equal((0, 10L, 20L), (server.State.Active, server.State.BytesSent, server.State.BytesReceived));
    }
}
