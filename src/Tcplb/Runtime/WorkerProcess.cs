using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
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
    /// <summary>The environment variable that makes a process a worker: <c>INDEX:DESCRIPTOR</c> of its listening socket.</summary>
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

    private WorkerProcess(int index, Process process)
    {
        Index = index;
        _process = process;
        // A thread of its own reads the worker's lines: waiting with a timeout must not depend on the thread
        // pool or the socket engine, which serve the connections.
        new Thread(ReadLines) { IsBackground = true, Name = $"tcplb worker {index} channel" }.Start();
    }

    public int Index { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts worker <paramref name="index"/>; a failure of the system to start it is a <see cref="WorkerStartException"/>.</summary>
    public static WorkerProcess Start(int index, Socket listener, IReadOnlyList<string> args)
    {
        var start = StartInfo(Environment.ProcessPath!, Environment.GetEnvironmentVariable(LauncherVariable), args);
        try
        {
            using var inherited = Descriptors.Inherit(listener.SafeHandle);
            start.Environment[Variable] = $"{index}:{inherited.Descriptor}";
            return new WorkerProcess(index, Process.Start(start)!);
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

    /// <summary>Parses <see cref="Variable"/>: which worker this process is and the descriptor of its listening socket.</summary>
    public static (int Index, int Descriptor)? FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        var colon = value?.IndexOf(':') ?? -1;
        return colon > 0 && int.TryParse(value.AsSpan(0, colon), out var index) && int.TryParse(value.AsSpan(colon + 1), out var descriptor)
            ? (index, descriptor)
            : null;
    }

    /// <summary>Waits for the worker to say it serves; false when it exited or stayed silent.</summary>
    public bool WaitUntilReady(TimeSpan timeout) => ReadLine(timeout) is WorkerChannel.ReadyLine;

    /// <summary>The worker's status document, or null when it does not answer in time (exited, or stuck).</summary>
    public byte[]? Status(TimeSpan timeout)
    {
        lock (_channel)
        {
            while (_lines.TryTake(out _))
            {
                // the late answer to a request that timed out: stale
            }
            Send(WorkerChannel.StatusRequest);
            return ReadLine(timeout) is { } line ? Encoding.UTF8.GetBytes(line) : null;
        }
    }

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
