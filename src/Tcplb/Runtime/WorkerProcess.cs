using System.Collections.Concurrent;
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

    public static WorkerProcess Start(int index, Socket listener, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var inherited = Descriptors.Inherit(listener.SafeHandle);
        start.Environment[Variable] = $"{index}:{inherited.Descriptor}";
        return new WorkerProcess(index, Process.Start(start)!);
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
