namespace Tcplb.Backends;

/// <summary>How the last active check of a server ended.</summary>
internal enum CheckOutcome
{
    /// <summary>Not checked yet (or checks are off).</summary>
    None,
    Passed,
    Timeout,
    Refused,

    /// <summary>The answer did not begin with the expected bytes.</summary>
    Mismatch,

    /// <summary>The server closed the connection before the expected bytes came.</summary>
    Closed,
    Reset,
    Unreachable,
    Error,
}

internal static class CheckOutcomeNames
{
    public static string Of(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.None => "none",
        CheckOutcome.Passed => "passed",
        CheckOutcome.Timeout => "timeout",
        CheckOutcome.Refused => "refused",
        CheckOutcome.Mismatch => "mismatch",
        CheckOutcome.Closed => "closed",
        CheckOutcome.Reset => "reset",
        CheckOutcome.Unreachable => "unreachable",
        _ => "error",
    };
}
