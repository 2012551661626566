using System.Text;

namespace Tcplb.Runtime;

/// <summary>
/// A worker process's end of the pipe to the first worker, which started it: it says <c>ready</c> once
/// serving, then reads one command a line: <c>reload</c> (as SIGHUP), <c>stop</c> (drain, as a first SIGTERM) and
/// <c>exit</c> (at once, code 1). Its figures need no command: they are in the shared state table.
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
    public const string ReloadCommand = "reload";
    public const string StopCommand = "stop";
    public const string ExitCommand = "exit";

    private readonly Action _reload;
    private readonly Action _stop;

    /// <param name="reload">Re-reads the hosts file.</param>
    /// <param name="stop">Starts the drain; called again when the first worker is gone, so it must be idempotent.</param>
    public WorkerChannel(Action reload, Action stop)
    {
        _reload = reload;
        _stop = stop;
    }

    public void Start() => new Thread(Run) { IsBackground = true, Name = "tcplb worker channel" }.Start();

    private void Run()
    {
        Console.OpenStandardOutput().Write(Encoding.ASCII.GetBytes(ReadyLine + "\n")); // unbuffered: it is sent at once
        using var input = new StreamReader(Console.OpenStandardInput(), Encoding.ASCII);
        while (input.ReadLine() is { } line)
        {
            switch (line)
            {
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
}
