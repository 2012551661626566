using System.Net;
using System.Net.Sockets;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Cli;

/// <summary>
/// The published binary in front of three real TLS servers (openssl s_server, each with its own certificate),
/// routing by SNI, checked with real clients: openssl s_client, curl and Python's ssl. Each client verifies
/// the certificate against the name it asked for, so a handshake that succeeds proves which server answered.
/// </summary>
public sealed class TlsPassthroughTests(TlsPassthroughTests.Rig rig) : IClassFixture<TlsPassthroughTests.Rig>
{
    /// <summary>The servers (api.example.com, *.web.example.com, and default.example.org on the default route) and tcplb.</summary>
    public sealed class Rig : IDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly TlsServer[] _servers;

        public Rig()
        {
            _servers = [new(_dir, "api.example.com"), new(_dir, "*.web.example.com"), new(_dir, "default.example.org")];
            CaFile = _dir.Write("all.pem", string.Concat(_servers.Select(s => File.ReadAllText(s.CertificatePath))));
            _dir.Write("hosts",
                $"{Api.HostsAddress} sni=api.example.com\n{_servers[1].HostsAddress} sni=*.web.example.com\n{Default.HostsAddress}\n");
            Port = TcplbProcess.FreePort();
            Tcplb = TcplbProcess.Start(_dir.Path, Port.ToString(), "--access-log");
            Tcplb.WaitForLog("msg=listening");
        }

        internal TlsServer Api => _servers[0];

        internal TlsServer Default => _servers[2];

        public string CaFile { get; }

        public int Port { get; }

        internal TcplbProcess Tcplb { get; }

        public void Dispose()
        {
            Tcplb.Dispose();
            foreach (var server in _servers)
            {
                server.Dispose();
            }
            _dir.Dispose();
        }
    }

    public static TheoryData<string, string> Names => new()
    {
        { "api.example.com", "api.example.com" },
        { "shop.web.example.com", "*.web.example.com" },
        { "default.example.org", "default.example.org" }, // listed nowhere: the default route
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void OpenSslClient_Tls13AndTls12_ReachesTheServerOfTheName(string name, string certificate)
    {
        foreach (var version in new[] { "-tls1_3", "-tls1_2" })
        {
            var (exit, stdout, stderr) = Tool.Run("openssl", "s_client", "-connect", $"127.0.0.1:{rig.Port}", "-servername", name,
                "-verify_hostname", name, "-CAfile", rig.CaFile, "-verify_return_error", "-brief", version);
            Assert.True(exit == 0, stdout + stderr);
            Assert.Contains($"Peer certificate: CN = {certificate}", stderr);
            Assert.Contains("Verification: OK", stderr);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Curl_ResolvedToTcplb_ReachesTheServerOfTheName(string name, string certificate)
    {
        var (exit, stdout, stderr) = Tool.Run("curl", "-sS", "--max-time", "10", "--resolve", $"{name}:{rig.Port}:127.0.0.1",
            "--cacert", rig.CaFile, $"https://{name}:{rig.Port}/", "-o", "/dev/null", "-w", "%{http_code}\n%{certs}");
        Assert.True(exit == 0, stderr);
        Assert.StartsWith("200\n", stdout);
        Assert.Contains($"Subject:CN = {certificate}\n", stdout);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void PythonSsl_ReachesTheServerOfTheName(string name, string certificate)
    {
        const string client = """
            import socket, ssl, sys
            context = ssl.create_default_context(cafile=sys.argv[1])
            with socket.create_connection(("127.0.0.1", int(sys.argv[2]))) as raw:
                with context.wrap_socket(raw, server_hostname=sys.argv[3]) as tls:
                    print(dict(field[0] for field in tls.getpeercert()["subject"])["commonName"])
            """;
        var (exit, stdout, stderr) = Tool.Run("python3", "-c", client, rig.CaFile, rig.Port.ToString(), name);
        Assert.True(exit == 0, stderr);
        Assert.Equal(certificate, stdout.Trim());
    }

    [Fact]
    public async Task PlainTcpClient_IsServedByTheDefaultRoute()
    {
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(IPAddress.Loopback, rig.Port);
            await client.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
            await Eventually.Within(client.WaitForCloseAsync()); // the TLS server makes nothing of it and closes
        }
        rig.Tcplb.WaitForLog($"server={rig.Default.HostsAddress} sni=- sent=18 "); // but it was the default route's
    }

    [Fact]
    public void AccessLog_NamesWhatEachClientAskedFor()
    {
        var (exit, _, stderr) = Tool.Run("openssl", "s_client", "-connect", $"127.0.0.1:{rig.Port}", "-servername", "api.example.com", "-brief");
        Assert.True(exit == 0, stderr);
        rig.Tcplb.WaitForLog($"server={rig.Api.HostsAddress} sni=api.example.com ");
    }
}
