using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Tcplb.Runtime;

/// <summary>
/// The system could not start a worker process (the program cannot be run, no descriptors or memory are left).
/// The message is the one line an operator reads: which worker, which program, and the system's reason.
/// </summary>
internal sealed class WorkerStartException(int index, string program, Exception cause)
    : Exception($"cannot start worker {index}: {program}: {Reason(cause)}", cause)
{
    private const int ExecFormatError = 8; // ENOEXEC

    private static string Reason(Exception cause) => cause switch
    {
        // The message of a Win32Exception from Process.Start is a resource key and the arguments; the
        // system's own text is clearer.
        Win32Exception { NativeErrorCode: ExecFormatError } =>
            $"{Marshal.GetPInvokeErrorMessage(ExecFormatError)} (a binary of another architecture run by an emulator " +
            $"starts its workers through {WorkerProcess.LauncherVariable})",
        Win32Exception e => Marshal.GetPInvokeErrorMessage(e.NativeErrorCode),
        OutOfMemoryException => "out of memory",
        _ => cause.Message,
    };
}
