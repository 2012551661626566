using System.Diagnostics;

namespace Tcplb.Tests.Support;

/// <summary>A program of the system (openssl, curl, python3), run to its end with a bounded wait.</summary>
internal static class Tool
{
    /// <summary>Runs <paramref name="file"/>; returns its exit code and output. Standard input is closed at once.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        Process? process = null;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"{file} is not installed: scripts/test installs openssl, curl and python3 (Debian packages)");
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Eventually.Patience))
            {
                process.Kill();
                Assert.Fail($"{file} {string.Join(' ', args)} did not finish");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
