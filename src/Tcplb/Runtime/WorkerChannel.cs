using System.Text;

namespace Tcplb.Runtime;

/// <summary>
/// A worker process's end of the pipe to the first worker, which started it: it says <c>ready</c> once
/// serving, then answers each <c>status</c> line with this process's status document on one line. The end of
/// the input means the first worker is gone, and this one stops as on SIGTERM. Runs on a thread of its own.
/// </summary>
internal sealed class WorkerChannel
{
    public const string ReadyLine = "ready";
    public const string StatusRequest = "status";

    private readonly Func<byte[]> _status;
    private readonly Action _firstWorkerGone;
    private readonly Stream _output = Console.OpenStandardOutput();

    /// <param name="status">This process's status document, written on one line.</param>
    public WorkerChannel(Func<byte[]> status, Action firstWorkerGone)
    {
        _status = status;
        _firstWorkerGone = firstWorkerGone;
    }

    public void Start() => new Thread(Run) { IsBackground = true, Name = "tcplb worker channel" }.Start();

    private void Run()
    {
        WriteLine(Encoding.ASCII.GetBytes(ReadyLine));
        using var input = new StreamReader(Console.OpenStandardInput(), Encoding.ASCII);
        while (input.ReadLine() is { } line)
        {
            if (line == StatusRequest)
            {
                WriteLine(_status());
            }
        }
        _firstWorkerGone();
    }

    private void WriteLine(byte[] bytes)
    {
        _output.Write(bytes);
        _output.WriteByte((byte)'\n');
        _output.Flush();
    }
}
