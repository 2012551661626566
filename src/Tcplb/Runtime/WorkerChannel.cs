using System.Text;

namespace Tcplb.Runtime;

/// <summary>
/// A worker process's end of the pipe to the first worker, which started it: it says <c>ready</c> once
/// serving, then reads one command a line: <c>status</c> (answered with this process's status document on one
/// line), <c>reload</c> (as SIGHUP), <c>stop</c> (drain, as a first SIGTERM) and <c>exit</c> (at once, code 1).
/// The end of the input means the first worker is gone, and this one stops as on <c>stop</c>.
/// </summary>
/// <remarks>
/// Commands rather than signals: a signal sent to the whole process group (systemd's default stop, or
/// <c>timeout</c>) already reaches every worker once, and a second one passed on by the first worker would
/// count as "stop now". Runs on a thread of its own.
/// </remarks>
internal sealed class WorkerChannel
{
    public const string ReadyLine = "ready";
    public const string StatusRequest = "status";
    public const string ReloadCommand = "reload";
    public const string StopCommand = "stop";
    public const string ExitCommand = "exit";

    private readonly Func<byte[]> _status;
    private readonly Action _reload;
    private readonly Action _stop;
    private readonly Stream _output = Console.OpenStandardOutput();

    /// <param name="status">This process's status document, written on one line.</param>
    /// <param name="reload">Re-reads the hosts file.</param>
    /// <param name="stop">Starts the drain; called again when the first worker is gone, so it must be idempotent.</param>
    public WorkerChannel(Func<byte[]> status, Action reload, Action stop)
    {
        _status = status;
        _reload = reload;
        _stop = stop;
    }

    public void Start() => new Thread(Run) { IsBackground = true, Name = "tcplb worker channel" }.Start();

    private void Run()
    {
        WriteLine(Encoding.ASCII.GetBytes(ReadyLine));
        using var input = new StreamReader(Console.OpenStandardInput(), Encoding.ASCII);
        while (input.ReadLine() is { } line)
        {
            switch (line)
            {
                case StatusRequest:
                    WriteLine(_status());
                    break;
                case ReloadCommand:
                    _reload();
                    break;
                case StopCommand:
                    _stop();
                    break;
                case ExitCommand:
                    Environment.Exit(1);
                    break;
            }
        }
        _stop();
    }

    private void WriteLine(byte[] bytes)
    {
        _output.Write(bytes);
        _output.WriteByte((byte)'\n');
        _output.Flush();
    }
}
