namespace Tcplb.Backends;

/// <summary>How the last active check of a server ended.</summary>
internal enum CheckOutcome
{
    /// <summary>Not checked yet (or checks are off).</summary>
    None,
    Passed,
    Timeout,
    Refused,

    /// <summary>The expected bytes were not in the answer, or an HTTP check's answer was no HTTP status line.</summary>
    Mismatch,

    /// <summary>The server closed the connection before the expected bytes came.</summary>
    Closed,
    Reset,
    Unreachable,
    Error,

    /// <summary>An HTTP check's status was not one accepted.</summary>
    Status,
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
        CheckOutcome.Status => "status",
        _ => "error",
    };
}
