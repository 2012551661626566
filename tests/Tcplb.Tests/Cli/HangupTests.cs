using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary>SIGHUP through the published binary, however tcplb was started.</summary>
public class HangupTests
{
    /// <summary>Under nohup (SIGHUP ignored on entry) a HUP still reloads: tcplb sets the signal back to its default first.</summary>
    [Fact]
    public void Sighup_StartedWithHangupIgnored_StillReloads()
    {
        using var dir = new TempDirectory();
        dir.Write("hosts", "127.0.0.1:1\n");
        using var tcplb = TcplbProcess.StartWithHangupIgnored(dir.Path, TcplbProcess.FreePort().ToString(), "--workers", "1");
        tcplb.WaitForLog("msg=listening");
        tcplb.Signal(TcplbProcess.SigHup);
        tcplb.WaitForLog("msg=\"hosts file reloaded\"");
        tcplb.Signal(TcplbProcess.SigTerm);
        Assert.Equal(0, tcplb.WaitForExit());
    }
}
