using System.Runtime.InteropServices;

namespace Tcplb.Infrastructure;

/// <summary>Sends POSIX signals to processes this one started (its worker processes).</summary>
internal static partial class ProcessSignals
{
    public const int Hangup = 1;
    public const int Terminate = 15;

    /// <summary>True when the signal was delivered; a process that has already exited is not an error.</summary>
    public static bool Send(int processId, int signal) => Kill(processId, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int processId, int signal);
}
