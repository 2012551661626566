using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tcplb.Tests.Configuration;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary>
/// Every error a user meets at start-up is words, never the runtime's resource keys that the AOT build's
/// <c>UseSystemResourceKeys</c> leaves in exception messages (<c>UnauthorizedAccess_IODenied_Path</c>).
/// </summary>
public class ErrorWordsTests
{
    [Fact]
    public void HostsIsADirectory_SaysSo_ExitTwo()
    {
        using var dir = new TempDirectory();
        var (exit, stderr) = Run(dir.Path, "7777", "--hosts", dir.Path);
        Assert.Equal(2, exit);
        Assert.Equal($"tcplb: cannot read hosts file {dir.Path}: is a directory", stderr.Trim());
    }

    [Fact]
    public void HostsMissing_SaysSo_ExitTwo()
    {
        using var dir = new TempDirectory();
        var (exit, stderr) = Run(dir.Path, "7777", "--hosts", Path.Combine(dir.Path, "gone", "hosts"));
        Assert.Equal(2, exit);
        Assert.Equal($"tcplb: hosts file not found: {Path.Combine(dir.Path, "gone", "hosts")}", stderr.Trim());
    }

    /// <summary>As a user who may not read the file: root reads anything, so as root the binary runs as nobody.</summary>
    [Fact]
    public void HostsUnreadable_SaysPermissionDenied_ExitTwo()
    {
        using var dir = new TempDirectory();
        var hosts = dir.Write("hosts", "127.0.0.1:5000\n");
        File.SetUnixFileMode(hosts, UnixFileMode.None);
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101); // 755: nobody may enter, not read the file
        var (exit, stderr) = Run(dir.Path, asOtherUser: Environment.UserName == "root", "7777", "--validate");
        Assert.Equal(2, exit);
        Assert.Equal($"tcplb: cannot read hosts file {hosts}: permission denied", stderr.Trim());
    }

    [Fact]
    public void AdminPortTaken_SaysAddressInUse_ExitOne()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:5000\n");
        using var taken = TcplbProcess.Listening(IPAddress.Loopback);
        var (exit, stderr) = Run(dir.Path, TcplbProcess.FreePort().ToString(), "--workers", "1", "--admin", taken.LocalEndPoint!.ToString()!);
        Assert.Equal(1, exit);
        Assert.Equal($"tcplb: cannot listen on admin address {taken.LocalEndPoint}: address already in use", stderr.Trim());
    }

    [Fact]
    public void SourceNotLocal_SaysSo_ExitTwo()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:5000\n");
        var (exit, stderr) = Run(dir.Path, "7777", "--source", "192.0.2.1");
        Assert.Equal(2, exit);
        Assert.Equal("tcplb: --source: cannot use '192.0.2.1': address not available (not an address of this machine)", stderr.Split('\n')[0]);
    }

    private static (int Exit, string Stderr) Run(string directory, params string[] args) => Run(directory, false, args);

    private static (int Exit, string Stderr) Run(string directory, bool asOtherUser, params string[] args)
    {
        string stderr;
        int exit;
        if (asOtherUser)
        {
            var start = new ProcessStartInfo("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", .. TcplbProcess.Launcher, TcplbProcess.BinaryPath, .. args])
            {
                WorkingDirectory = directory,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(start)!;
            stderr = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(Eventually.Patience), "tcplb did not exit");
            exit = process.ExitCode;
        }
        else
        {
            (exit, _, stderr) = TcplbProcess.Run(directory, args);
        }
        Assert.DoesNotMatch(ErrorTextTests.ResourceKey(), stderr);
        return (exit, stderr);
    }
}
