using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tcplb.Tests.Support;

/// <summary>
/// A real TLS server: <c>openssl s_server</c> on 127.0.0.1 with a self-signed certificate for its own name
/// (subject and subjectAltName), made here, answering HTTP GET with a page (<c>-www</c>). Stopped by its PID.
/// </summary>
internal sealed class TlsServer : IDisposable
{
    private readonly Process _process;

    public TlsServer(TempDirectory dir, string name)
    {
        Name = name;
        var file = name.Replace("*", "wildcard", StringComparison.Ordinal);
        CertificatePath = Path.Combine(dir.Path, file + ".crt");
        var key = Path.Combine(dir.Path, file + ".key");
        var (exit, _, error) = Tool.Run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "1", "-subj", "/CN=" + name, "-addext", "subjectAltName=DNS:" + name, "-keyout", key, "-out", CertificatePath);
        Assert.True(exit == 0, error);
        Port = TcplbProcess.FreePort();
        _process = Process.Start(new ProcessStartInfo("openssl",
            ["s_server", "-accept", $"127.0.0.1:{Port}", "-cert", CertificatePath, "-key", key, "-www", "-quiet"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Eventually.True(Accepts, () => $"openssl s_server for {name} does not listen on {Port}");
    }

    /// <summary>The name its certificate is for.</summary>
    public string Name { get; }

    public int Port { get; }

    public string CertificatePath { get; }

    public string HostsAddress => $"127.0.0.1:{Port}";

    private bool Accepts()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(new IPEndPoint(IPAddress.Loopback, Port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
