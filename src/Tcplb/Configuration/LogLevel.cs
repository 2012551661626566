namespace Tcplb.Configuration;

/// <summary>The <c>--log-level</c> choice: the least severe event that is written.</summary>
internal enum LogLevel
{
    Debug,
    Info,
    Warn,
    Error,
}
