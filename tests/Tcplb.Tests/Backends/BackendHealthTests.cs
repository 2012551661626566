using Tcplb.Backends;
using Tcplb.Infrastructure;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Backends;

/// <summary>Active checks, slots and the slow-start ramp, as a server's state keeps them.</summary>
public class BackendHealthTests
{
    private readonly FakeTimeProvider _time = new();

    private HealthChange Check(BackendState state, CheckOutcome outcome) => state.RecordCheck(outcome, 10, _time.GetTimestamp(), fall: 3, rise: 2);

    [Fact]
    public void RecordCheck_FallFailuresInARow_TakeItDown_RisePassesInARow_BringItBack()
    {
        var state = new BackendState();
        Assert.Equal(HealthChange.None, Check(state, CheckOutcome.Timeout));
        Assert.Equal(HealthChange.None, Check(state, CheckOutcome.Passed)); // the run is broken
        Assert.Equal(HealthChange.None, Check(state, CheckOutcome.Refused));
        Assert.Equal(HealthChange.None, Check(state, CheckOutcome.Mismatch));
        Assert.True(state.IsAvailable(_time.GetTimestamp()));
        Assert.Equal(HealthChange.Down, Check(state, CheckOutcome.Timeout));
        Assert.False(state.IsAvailable(_time.GetTimestamp() + 1_000_000_000));
        Assert.Equal(HealthChange.None, Check(state, CheckOutcome.Timeout)); // already down: no second event
        Assert.Equal(HealthChange.None, Check(state, CheckOutcome.Passed));
        Assert.Equal(HealthChange.Up, Check(state, CheckOutcome.Passed));
        Assert.True(state.IsAvailable(_time.GetTimestamp()));
        Assert.Equal((CheckOutcome.Passed, 10L, 5L), (state.LastCheck, state.LastCheckTicks, state.CheckFailures));
    }

    [Fact]
    public void IsDownByChecks_OnlyWhenFallChecksFailed_NotAfterAFailedClientConnect()
    {
        var state = new BackendState();
        Assert.True(state.MarkFailedUntilChecked()); // a refused client connect: down, yet no reason to cut its clients
        Assert.False(state.IsDownByChecks);
        Check(state, CheckOutcome.Refused);
        Check(state, CheckOutcome.Refused);
        Assert.Equal(HealthChange.None, Check(state, CheckOutcome.Refused)); // down already: logged once, when the connect failed
        Assert.True(state.IsDownByChecks);
        Assert.False(state.MarkFailedUntilChecked()); // stays down by checks
        Assert.True(state.IsDownByChecks);
        Check(state, CheckOutcome.Passed);
        Assert.Equal(HealthChange.Up, Check(state, CheckOutcome.Passed));
        Assert.False(state.IsDownByChecks);
        Check(state, CheckOutcome.Timeout);
        Check(state, CheckOutcome.Timeout);
        Assert.Equal(HealthChange.Down, Check(state, CheckOutcome.Timeout));
        Assert.True(state.IsDownByChecks);
    }

    [Fact]
    public void FailedConnect_WhileChecksDecide_KeepsItDownPastAnyCooldown_UntilRisePasses()
    {
        var state = new BackendState();
        Assert.True(state.MarkFailedUntilChecked());
        Assert.False(state.MarkFailedUntilChecked());
        _time.Advance(TimeSpan.FromHours(1));
        Assert.False(state.IsAvailable(_time.GetTimestamp()));
        Assert.False(state.MarkConnected(_time.GetTimestamp(), checksDecide: true)); // a last-resort success does not bring it back
        Assert.False(state.IsAvailable(_time.GetTimestamp()));
        Assert.Equal(HealthChange.None, Check(state, CheckOutcome.Passed));
        Assert.Equal(HealthChange.Up, Check(state, CheckOutcome.Passed));
    }

    [Fact]
    public void TryTakeSlot_StopsAtTheLimit_AndAReturnedSlotCanBeTakenAgain()
    {
        var state = new BackendState();
        Assert.True(state.TryTakeSlot(2));
        Assert.True(state.TryTakeSlot(2));
        Assert.False(state.TryTakeSlot(2));
        Assert.True(state.TryTakeSlot(0)); // no limit: nothing counted, nothing shared written
        Assert.Equal(2, state.Slots);
        state.ReturnSlot(0);
        Assert.Equal(2, state.Slots);
        state.ReturnSlot(2);
        state.ReturnSlot(2);
        Assert.True(state.TryTakeSlot(2));
    }

    [Fact]
    public void RampPermille_RisesLinearlyFromATenth_AfterAServerComesUp_NotForOneUpSinceTheStart()
    {
        var ramp = _time.Ticks(TimeSpan.FromSeconds(10));
        var state = new BackendState();
        state.MarkUpSinceStart();
        Assert.Equal(1000, state.RampPermille(_time.GetTimestamp(), ramp));
        Check(state, CheckOutcome.Refused);
        Check(state, CheckOutcome.Refused);
        Check(state, CheckOutcome.Refused);
        Check(state, CheckOutcome.Passed);
        Check(state, CheckOutcome.Passed); // up now
        Assert.Equal(100, state.RampPermille(_time.GetTimestamp(), ramp));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(550, state.RampPermille(_time.GetTimestamp(), ramp));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1000, state.RampPermille(_time.GetTimestamp(), ramp));
    }

    [Fact]
    public void RampPermille_AServerNewToTheBalancer_RampsFromTheFirstPickThatSeesIt()
    {
        var ramp = _time.Ticks(TimeSpan.FromSeconds(10));
        var added = new BackendState(); // as a reload adds it: never marked up since the start
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(100, added.RampPermille(_time.GetTimestamp(), ramp));
        added.MarkUpSinceStart(); // too late: it is ramping
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(550, added.RampPermille(_time.GetTimestamp(), ramp));
    }
}
