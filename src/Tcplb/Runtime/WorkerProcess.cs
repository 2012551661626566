using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using System.Text;
using Tcplb.Infrastructure;

namespace Tcplb.Runtime;

/// <summary>
/// One worker process as the first worker sees it: started from the same executable with the same arguments,
/// given its listening socket by descriptor inheritance, and reached through its standard input and output
/// (<see cref="WorkerChannel"/>). Its standard error is the first worker's, so log lines go where they always did.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    /// <summary>The environment variable that makes a process a worker: <c>INDEX:LISTENER:STATE</c>, its index and the descriptors of its listening socket and of the shared state table.</summary>
    public const string Variable = "TCPLB_WORKER";

    /// <summary>
    /// The environment variable naming a command, words separated by spaces, that starts each worker with this
    /// executable's path and arguments after it: an emulator such as <c>qemu-aarch64-static -L /usr/aarch64-linux-gnu</c>.
    /// A process run by qemu-user without a binfmt handler cannot start a program of its own architecture
    /// directly: the kernel does not know the format.
    /// </summary>
    public const string LauncherVariable = "TCPLB_WORKER_LAUNCHER";

    private readonly Process _process;
    private readonly Lock _channel = new();
    private readonly BlockingCollection<string> _lines = new(boundedCapacity: 16);

    private WorkerProcess(int index, Process process, Action exited)
    {
        Index = index;
        _process = process;
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => exited();
        if (_process.HasExited)
        {
            exited(); // before the handler was in place
        }
        // A thread of its own reads the worker's lines: waiting with a timeout must not depend on the thread
        // pool or the socket engine, which serve the connections.
        new Thread(ReadLines) { IsBackground = true, Name = $"tcplb worker {index} channel" }.Start();
    }

    public int Index { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts worker <paramref name="index"/>; a failure of the system to start it is a <see cref="WorkerStartException"/>.</summary>
    /// <param name="state">The shared state table's descriptor.</param>
    /// <param name="exited">Called (on a thread-pool thread) when the worker has exited.</param>
    public static WorkerProcess Start(int index, Socket listener, int state, IReadOnlyList<string> args, Action exited)
    {
        var start = StartInfo(Environment.ProcessPath!, Environment.GetEnvironmentVariable(LauncherVariable), args);
        try
        {
            using var stateHandle = new SafeFileHandle(state, ownsHandle: false);
            using var inherited = Descriptors.Inherit(listener.SafeHandle);
            using var inheritedState = Descriptors.Inherit(stateHandle);
            start.Environment[Variable] = $"{index}:{inherited.Descriptor}:{state}";
            return new WorkerProcess(index, Process.Start(start)!, exited);
        }
        catch (Exception e) when (e is Win32Exception or IOException or OutOfMemoryException)
        {
            throw new WorkerStartException(index, start.FileName, e);
        }
    }

    /// <summary>This executable with the same arguments, behind the launcher's words when one is set (<see cref="LauncherVariable"/>).</summary>
    private static ProcessStartInfo StartInfo(string executable, string? launcher, IReadOnlyList<string> args)
    {
        string[] command = [.. launcher?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [], executable, .. args];
        return new ProcessStartInfo(command[0], command[1..])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
    }

    /// <summary>Parses <see cref="Variable"/>: which worker this process is, and the descriptors of its listening socket and of the shared state.</summary>
    public static (int Index, int Listener, int State)? FromEnvironment()
    {
        var parts = Environment.GetEnvironmentVariable(Variable)?.Split(':');
        return parts is [var index, var listener, var state] && int.TryParse(index, out var i) && int.TryParse(listener, out var l) && int.TryParse(state, out var s)
            ? (i, l, s)
            : null;
    }

    /// <summary>Waits for the worker to say it serves; false when it exited or stayed silent.</summary>
    public bool WaitUntilReady(TimeSpan timeout) => ReadLine(timeout) is WorkerChannel.ReadyLine;

    /// <summary>Sends a command of <see cref="WorkerChannel"/>; one that has exited needs none.</summary>
    public void Send(string command)
    {
        lock (_channel)
        {
            try
            {
                _process.StandardInput.WriteLine(command);
                _process.StandardInput.Flush();
            }
            catch (IOException)
            {
            }
        }
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>The next line, or null after <paramref name="timeout"/> or once the worker has exited.</summary>
    private string? ReadLine(TimeSpan timeout)
    {
        try
        {
            return _lines.TryTake(out var line, timeout) ? line : null;
        }
        catch (InvalidOperationException)
        {
            return null; // the worker's output ended
        }
    }

    private void ReadLines()
    {
        try
        {
            while (_process.StandardOutput.ReadLine() is { } line)
            {
                _lines.Add(line);
            }
        }
        catch (IOException)
        {
        }
        _lines.CompleteAdding();
    }

    public void Dispose()
    {
        _process.Dispose();
        _lines.Dispose();
    }
}
