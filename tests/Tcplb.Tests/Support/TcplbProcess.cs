using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Tcplb.Tests.Support;

/// <summary>
/// The published Native AOT binary (artifacts/tcplb, made by scripts/build), run as a user would; or the binary
/// that <see cref="BinaryVariable"/> names, run by the command <see cref="LauncherVariable"/> names.
/// </summary>
internal sealed partial class TcplbProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();

    private TcplbProcess(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) => { lock (_stderr) { _stderr.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (_stdout) { _stdout.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "tcplb.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException("tcplb.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The environment variable naming the binary to test instead of artifacts/tcplb (<c>scripts/test --arch</c>).</summary>
    public const string BinaryVariable = "TCPLB_TEST_BINARY";

    /// <summary>
    /// The environment variable naming a command, words separated by spaces, that runs the binary (an emulator);
    /// the binary's worker processes are started through it too (TCPLB_WORKER_LAUNCHER).
    /// </summary>
    public const string LauncherVariable = "TCPLB_TEST_LAUNCHER";

    public static string BinaryPath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } chosen
                ? Path.GetFullPath(chosen, RepoRoot)
                : Path.Combine(RepoRoot, "artifacts", "tcplb");
            Assert.True(File.Exists(path), $"{path} is missing: run scripts/build (scripts/test does)");
            return path;
        }
    }

    /// <summary>The words of <see cref="LauncherVariable"/>: none when the binary runs directly.</summary>
    public static string[] Launcher =>
        Environment.GetEnvironmentVariable(LauncherVariable)?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }

    public string StandardOutput { get { lock (_stdout) { return _stdout.ToString(); } } }

    public int Id => _process.Id;

    public static TcplbProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, null, null, args);

    public static TcplbProcess Start(string workingDirectory, int? fileLimit, params string[] args) => Start(workingDirectory, fileLimit, null, args);

    /// <summary>Starts the binary with SIGHUP ignored on entry, as <c>nohup</c> starts a program.</summary>
    public static TcplbProcess StartWithHangupIgnored(string workingDirectory, params string[] args) =>
        StartThrough(workingDirectory, "trap '' HUP;", null, args);

    /// <summary>
    /// Starts the binary; with <paramref name="fileLimit"/>, under that open-file limit (ulimit -n); with
    /// <paramref name="environment"/>, with those variables set.
    /// </summary>
    public static TcplbProcess Start(string workingDirectory, int? fileLimit, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartThrough(workingDirectory, fileLimit is null ? null : $"ulimit -n {fileLimit} &&", environment, args);

    /// <summary>Starts the binary, through bash running <paramref name="prelude"/> first when there is one.</summary>
    private static TcplbProcess StartThrough(string workingDirectory, string? prelude, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        string[] command = [.. Launcher, BinaryPath, .. args];
        var start = prelude is null
            ? new ProcessStartInfo(command[0], command[1..])
            : new ProcessStartInfo("bash", ["-c", $"{prelude} exec \"$0\" \"$@\"", .. command]);
        start.WorkingDirectory = workingDirectory;
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("TCPLB_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        if (Launcher.Length > 0)
        {
            start.Environment["TCPLB_WORKER_LAUNCHER"] = string.Join(' ', Launcher);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return new TcplbProcess(Process.Start(start)!);
    }

    /// <summary>Runs to the end; returns the exit code.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var code = process.WaitForExit();
        return (code, process.StandardOutput, process.StandardError);
    }

    public int WaitForExit()
    {
        Assert.True(_process.WaitForExit(Eventually.Patience), "tcplb did not exit; stderr: " + StandardError);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    public void WaitForLog(string text) => Eventually.True(() => StandardError.Contains(text, StringComparison.Ordinal), () => StandardError);

    public void Signal(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    public const int SigTerm = 15;
    public const int SigHup = 1;
    public const int SigKill = 9;

    /// <summary>Sends a signal to another process (a worker of this one); false when it is gone.</summary>
    public static bool SignalProcess(int processId, int signal) => Kill(processId, signal) == 0;

    /// <summary>The processes whose parent is this one: its other workers.</summary>
    public int[] Children() => ChildrenOf(_process.Id);

    public static int[] ChildrenOf(int processId) =>
        [.. Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(name => name!.All(char.IsAsciiDigit))
            .Select(int.Parse!).Where(pid => ParentOf(pid) == processId)];

    private static int ParentOf(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>A port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A socket listening on a port of <paramref name="address"/> that the kernel chose: a port in use.</summary>
    public static Socket Listening(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen();
        return socket;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // the workers too
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}

/// <summary>A temporary directory, removed at the end.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tcplb-test-" + Guid.NewGuid().ToString("N"));

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
