using System.Net;
using Tcplb.Cli;
using Tcplb.Configuration;

namespace Tcplb.Tests.Cli;

public class OptionsParserTests
{
    private static Settings Parse(string[] args, Dictionary<string, string>? env = null)
    {
        var command = OptionsParser.Parse(args, name => env is not null && env.TryGetValue(name, out var v) ? v : null);
        return Assert.IsType<Command.Run>(command).Settings;
    }

    private static string ParseError(string[] args, Dictionary<string, string>? env = null) =>
        Assert.Throws<ConfigException>(() => Parse(args, env)).Message;

    [Fact]
    public void Parse_PortOnly_GivesTheDesignDefaults()
    {
        var options = Parse(["7777"]);
        Assert.Equal(7777, options.Port);
        Assert.Equal("hosts", options.HostsPath);
        Assert.Equal(BalancePolicy.RoundRobin, options.Balance);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Cooldown);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ConnectTimeout);
        Assert.Equal(TimeSpan.Zero, options.IdleTimeout);
        Assert.Equal(10_000, options.MaxConnections);
        Assert.Equal(65_536, options.BufferSize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Drain);
        Assert.Null(options.Admin);
        Assert.Equal(ProxyProtocolVersion.None, options.ProxyProtocol);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ResolveInterval);
        Assert.False(options.AccessLog);
        Assert.Equal(LogLevel.Info, options.LogLevel);
        Assert.Equal((0, Environment.ProcessorCount), (options.Workers, options.WorkerCount)); // auto: one per core
        Assert.Equal(TimeSpan.FromSeconds(5), options.SniTimeout);
    }

    [Fact]
    public void Parse_EveryOption_IsApplied()
    {
        var options = Parse([
            "8080", "--hosts", "/etc/servers", "--balance", "least-conn", "--cooldown=1m", "--connect-timeout", "250ms",
            "--idle-timeout", "5m", "--max-conns", "100", "--buffer-size", "4096", "--drain", "0", "--admin", "127.0.0.1:9000",
            "--proxy-protocol", "v2", "--resolve-interval", "5s", "--access-log", "--log-level", "debug", "--workers", "3",
            "--sni-timeout", "750ms",
        ]);
        Assert.Equal(8080, options.Port);
        Assert.Equal("/etc/servers", options.HostsPath);
        Assert.Equal(BalancePolicy.LeastConn, options.Balance);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Cooldown);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.IdleTimeout);
        Assert.Equal(100, options.MaxConnections);
        Assert.Equal(4096, options.BufferSize);
        Assert.Equal(TimeSpan.Zero, options.Drain);
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:9000"), options.Admin);
        Assert.Equal(ProxyProtocolVersion.V2, options.ProxyProtocol);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ResolveInterval);
        Assert.True(options.AccessLog);
        Assert.Equal(LogLevel.Debug, options.LogLevel);
        Assert.Equal((3, 3), (options.Workers, options.WorkerCount));
        Assert.Equal(TimeSpan.FromMilliseconds(750), options.SniTimeout);
    }

    [Fact]
    public void Parse_EnvironmentVariables_AreReadAndFlagsWin()
    {
        var env = new Dictionary<string, string>
        {
            ["TCPLB_HOSTS"] = "from-env",
            ["TCPLB_BALANCE"] = "source-hash",
            ["TCPLB_COOLDOWN"] = "20s",
            ["TCPLB_ACCESS_LOG"] = "1",
            ["TCPLB_MAX_CONNS"] = "50",
            ["TCPLB_WORKERS"] = "auto",
            ["TCPLB_SNI_TIMEOUT"] = "2s",
        };
        var options = Parse(["7777", "--cooldown", "5s"], env);
        Assert.Equal("from-env", options.HostsPath);
        Assert.Equal(BalancePolicy.SourceHash, options.Balance);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Cooldown);
        Assert.True(options.AccessLog);
        Assert.Equal(50, options.MaxConnections);
        Assert.Equal(0, options.Workers);
        Assert.Equal(TimeSpan.FromSeconds(2), options.SniTimeout);
    }

    [Theory]
    [InlineData(new string[0], "missing PORT")]
    [InlineData(new[] { "0" }, "PORT must be a number from 1 to 65535, not '0'")]
    [InlineData(new[] { "65536" }, "PORT must be a number from 1 to 65535, not '65536'")]
    [InlineData(new[] { "http" }, "PORT must be a number from 1 to 65535, not 'http'")]
    [InlineData(new[] { "7777", "8888" }, "unexpected argument '8888'")]
    [InlineData(new[] { "7777", "--nope" }, "unknown option '--nope'")]
    [InlineData(new[] { "7777", "--hosts" }, "--hosts needs a value")]
    [InlineData(new[] { "7777", "--balance", "fastest" }, "--balance: unknown policy 'fastest'")]
    [InlineData(new[] { "7777", "--cooldown", "0" }, "--cooldown: '0' must be more than zero")]
    [InlineData(new[] { "7777", "--connect-timeout", "3" }, "--connect-timeout: '3' needs a unit")]
    [InlineData(new[] { "7777", "--idle-timeout", "soon" }, "--idle-timeout: 'soon' is not a duration")]
    [InlineData(new[] { "7777", "--max-conns", "0" }, "--max-conns: '0' must be a whole number from 1 to 1000000")]
    [InlineData(new[] { "7777", "--max-conns", "-5" }, "--max-conns: '-5' must be a whole number")]
    [InlineData(new[] { "7777", "--buffer-size", "100" }, "--buffer-size: '100' must be a whole number from 1024 to 1048576")]
    [InlineData(new[] { "7777", "--drain", "forever" }, "--drain: 'forever' is not a duration")]
    [InlineData(new[] { "7777", "--admin", "9000" }, "--admin: '9000' must be ADDR:PORT")]
    [InlineData(new[] { "7777", "--admin", "localhost:9000" }, "--admin: 'localhost:9000' must be ADDR:PORT")]
    [InlineData(new[] { "7777", "--proxy-protocol", "v3" }, "--proxy-protocol: 'v3' must be v1 or v2")]
    [InlineData(new[] { "7777", "--resolve-interval", "1x" }, "--resolve-interval: '1x' has an unknown unit")]
    [InlineData(new[] { "7777", "--access-log=maybe" }, "--access-log: 'maybe' must be 1 or 0")]
    [InlineData(new[] { "7777", "--log-level", "loud" }, "--log-level: 'loud' must be debug, info, warn or error")]
    [InlineData(new[] { "7777", "--workers", "0" }, "--workers: '0' must be a whole number from 1 to 256 or auto")]
    [InlineData(new[] { "7777", "--workers", "many" }, "--workers: 'many' must be a whole number from 1 to 256 or auto")]
    [InlineData(new[] { "7777", "--sni-timeout", "0" }, "--sni-timeout: '0' must be more than zero")]
    public void Parse_BadArgument_SaysWhatIsWrong(string[] args, string message) =>
        Assert.Contains(message, ParseError(args));

    [Fact]
    public void Parse_BadEnvironmentValue_NamesTheVariable() =>
        Assert.StartsWith("TCPLB_BALANCE: unknown policy", ParseError(["7777"], new() { ["TCPLB_BALANCE"] = "x" }));

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_Help_WinsOverEverythingElse(string flag) =>
        Assert.IsType<Command.Help>(OptionsParser.Parse(["nonsense", flag], _ => null));

    [Fact]
    public void Parse_Version_IsACommand() => Assert.IsType<Command.Version>(OptionsParser.Parse(["--version"], _ => null));

    [Fact]
    public void Parse_Probe_TakesTheAddress() =>
        Assert.Equal("127.0.0.1:7777", Assert.IsType<Command.Probe>(OptionsParser.Parse(["--probe", "127.0.0.1:7777"], _ => null)).Address);

    [Fact]
    public void Parse_ListenAddressRetriesKeepAliveSource_AreApplied()
    {
        var options = Parse(["127.0.0.1:8080", "--retries", "2", "--tcp-keepalive", "60s:10s:6", "--source", "127.0.0.2"]);
        Assert.Equal((IPAddress.Loopback, 8080), (options.ListenAddress, options.Port));
        Assert.Equal("127.0.0.1:8080", options.Listen);
        Assert.Equal(2, options.Retries);
        Assert.Equal(new TcpKeepAlive(60, 10, 6), options.TcpKeepAlive);
        Assert.Equal(IPAddress.Parse("127.0.0.2"), options.SourceAddress);

        var fromEnv = Parse(["[::1]:8080"], new() { ["TCPLB_RETRIES"] = "0", ["TCPLB_TCP_KEEPALIVE"] = "5m", ["TCPLB_SOURCE"] = "::1" });
        Assert.Equal((IPAddress.IPv6Loopback, "[::1]:8080"), (fromEnv.ListenAddress, fromEnv.Listen));
        Assert.Equal((0, new TcpKeepAlive(300, null, null), IPAddress.IPv6Loopback), (fromEnv.Retries, fromEnv.TcpKeepAlive, fromEnv.SourceAddress));

        var defaults = Parse(["8080"]);
        Assert.Equal((null, "*:8080"), (defaults.ListenAddress, defaults.Listen));
        Assert.Null(defaults.Retries);
        Assert.Null(defaults.TcpKeepAlive);
        Assert.Null(defaults.SourceAddress);
    }

    [Theory]
    [InlineData("--retries", "-1", "--retries: '-1' must be a whole number from 0 to 1000")]
    [InlineData("--retries", "many", "--retries: 'many' must be a whole number from 0 to 1000")]
    [InlineData("--tcp-keepalive", "soon", "--tcp-keepalive: 'soon' is not a duration")]
    [InlineData("--source", "eth0", "--source: 'eth0' must be an IP address, such as 10.0.0.5 or fd00::5")]
    [InlineData("--source", "10.0.0.0/8", "--source: '10.0.0.0/8' must be an IP address")]
    [InlineData("--source", "192.0.2.1", "--source: cannot use '192.0.2.1': address not available (not an address of this machine)")]
    public void Parse_BadEdgeOption_OneLineNamingOptionAndValue(string flag, string value, string message) =>
        Assert.StartsWith(message, ParseError(["7777", flag, value]));

    [Fact]
    public void Parse_OperatorControls_FromFlagsAndEnvironment()
    {
        var options = Parse(["7777", "--allow", "10.0.0.0/8,2001:db8::/32", "--shutdown-delay", "5s"],
            new() { ["TCPLB_DENY"] = "10.1.0.0/16", ["TCPLB_ACCEPT_PROXY"] = "192.0.2.10", ["TCPLB_ALLOW"] = "192.0.2.0/24" });
        Assert.Equal(TimeSpan.FromSeconds(5), options.ShutdownDelay);
        Assert.True(options.Allow!.Contains(IPAddress.Parse("10.2.3.4"))); // the flag won over the variable
        Assert.False(options.Allow.Contains(IPAddress.Parse("192.0.2.1")));
        Assert.True(options.Deny!.Contains(IPAddress.Parse("10.1.9.9")));
        Assert.Equal(1, options.AcceptProxy!.Count);
        Assert.Equal((TimeSpan.Zero, (AddressPrefixes?)null), (Parse(["7777"]).ShutdownDelay, Parse(["7777"]).AcceptProxy));
    }

    [Fact]
    public void Parse_BadAcceptProxy_NamesTheOptionAndValue() =>
        Assert.StartsWith("--accept-proxy: 'nlb.internal' is not an IPv4 or IPv6 address or prefix", ParseError(["7777", "--accept-proxy", "nlb.internal"]));
}
