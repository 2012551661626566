using Tcplb.Net;

namespace Tcplb.Tests.Net;

public class CloseStateTests
{
    [Fact]
    public void TryClose_FirstReasonWins()
    {
        var state = new CloseState();
        state.Open();
        Assert.True(state.TryClose(state.Generation, CloseReason.Idle));
        Assert.False(state.TryClose(state.Generation, CloseReason.ClientError));
        Assert.Equal(CloseReason.Idle, state.Reason);
    }

    [Fact]
    public void TryClose_ForAnEarlierConnection_DoesNothingToTheCurrentOne()
    {
        var state = new CloseState();
        state.Open();
        var first = state.Generation;
        Assert.True(state.TryClose(first, CloseReason.Done));
        state.Open();
        Assert.Equal(CloseReason.None, state.Reason);
        Assert.False(state.TryClose(first, CloseReason.Idle)); // a late timeout meant for the first connection
        Assert.Equal((first + 1, CloseReason.None), (state.Generation, state.Reason));
    }
}
