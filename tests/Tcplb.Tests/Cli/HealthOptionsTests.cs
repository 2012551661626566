using Tcplb.Cli;
using Tcplb.Configuration;

namespace Tcplb.Tests.Cli;

/// <summary>The options of health checks and traffic limits: off by default, each a flag and a variable.</summary>
public class HealthOptionsTests
{
    private static Settings Parse(string[] args, Dictionary<string, string>? env = null) =>
        Assert.IsType<Command.Run>(OptionsParser.Parse(args, name => env is not null && env.TryGetValue(name, out var v) ? v : null)).Settings;

    [Fact]
    public void Parse_PortOnly_EverythingIsOff()
    {
        var options = Parse(["7777"]);
        Assert.Equal(TimeSpan.Zero, options.CheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), options.EffectiveCheckTimeout); // the connect timeout
        Assert.Null(options.CheckSend);
        Assert.Null(options.CheckExpect);
        Assert.Equal((3, 2), (options.CheckFall, options.CheckRise));
        Assert.Equal(TimeSpan.Zero, options.SlowStart);
        Assert.Equal(TimeSpan.FromSeconds(3), options.QueueTimeout);
        Assert.Equal(0, options.MaxConnectionsPerClient);
    }

    [Fact]
    public void Parse_EveryOption_IsApplied()
    {
        var options = Parse([
            "7777", "--check-interval", "2s", "--check-timeout", "500ms", "--check-send", @"PING\r\n", "--check-expect", "+PONG",
            "--check-fall", "4", "--check-rise", "1", "--slow-start", "30s", "--queue-timeout", "10s", "--max-conns-per-client", "8",
        ]);
        Assert.Equal(TimeSpan.FromSeconds(2), options.CheckInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.EffectiveCheckTimeout);
        Assert.Equal("PING\r\n"u8.ToArray(), options.CheckSend);
        Assert.Equal("+PONG"u8.ToArray(), options.CheckExpect);
        Assert.Equal((4, 1), (options.CheckFall, options.CheckRise));
        Assert.Equal(TimeSpan.FromSeconds(30), options.SlowStart);
        Assert.Equal(TimeSpan.FromSeconds(10), options.QueueTimeout);
        Assert.Equal(8, options.MaxConnectionsPerClient);
    }

    [Fact]
    public void Parse_EveryOption_ReadsItsVariable()
    {
        var options = Parse(["7777", "--check-rise", "5"], new()
        {
            ["TCPLB_CHECK_INTERVAL"] = "1s", ["TCPLB_CHECK_TIMEOUT"] = "1s", ["TCPLB_CHECK_SEND"] = @"\x01", ["TCPLB_CHECK_EXPECT"] = "ok",
            ["TCPLB_CHECK_FALL"] = "2", ["TCPLB_CHECK_RISE"] = "9", ["TCPLB_SLOW_START"] = "1m", ["TCPLB_QUEUE_TIMEOUT"] = "1s",
            ["TCPLB_MAX_CONNS_PER_CLIENT"] = "3",
        });
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 2, 5), (options.CheckInterval, options.EffectiveCheckTimeout, options.CheckFall, options.CheckRise));
        Assert.Equal([(byte)1], options.CheckSend!);
        Assert.Equal("ok"u8.ToArray(), options.CheckExpect!);
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), 3), (options.SlowStart, options.QueueTimeout, options.MaxConnectionsPerClient));
    }

    [Fact]
    public void Parse_CheckPortHttpAndOnDown_AreApplied_FromFlagsAndVariables()
    {
        var options = Parse(["7777", "--check-interval", "1s", "--check-port", "8008", "--check-http", "/primary", "--check-http-status", "200,204",
            "--on-down", "shutdown"]);
        Assert.Equal((8008, "/primary", true), (options.CheckPort, options.CheckHttpPath, options.ResetOnServerDown));
        Assert.Equal([200, 204], options.CheckHttpStatuses!);
        var fromEnv = Parse(["7777"], new()
        {
            ["TCPLB_CHECK_INTERVAL"] = "1s", ["TCPLB_CHECK_PORT"] = "9000", ["TCPLB_CHECK_HTTP"] = "/health?role=leader",
            ["TCPLB_CHECK_HTTP_STATUS"] = "200", ["TCPLB_ON_DOWN"] = "keep",
        });
        Assert.Equal((9000, "/health?role=leader", false), (fromEnv.CheckPort, fromEnv.CheckHttpPath, fromEnv.ResetOnServerDown));
        Assert.Equal((0, null, null, false), (Parse(["7777"]).CheckPort, Parse(["7777"]).CheckHttpPath, Parse(["7777"]).CheckHttpStatuses, Parse(["7777"]).ResetOnServerDown));
    }

    [Theory]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-port", "0" }, "--check-port: '0' must be a whole number from 1 to 65535")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-port", "70000" }, "--check-port: '70000' must be a whole number from 1 to 65535")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-http", "primary" }, "--check-http: 'primary' must start with '/'")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-http", "/a b" }, "--check-http: '/a b' has a space, a control or a non-ASCII character")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-http", "/a\r\nX: y" }, "--check-http: '/a??X: y' has a space")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-http", "/a\u0000" }, "--check-http: '/a?' has a space")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-http", "/", "--check-http-status", "200,x" }, "--check-http-status: '200,x' must be HTTP statuses")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-http", "/", "--check-http-status", "600" }, "--check-http-status: '600' must be HTTP statuses")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-http", "/", "--check-http-status", "" }, "--check-http-status: '' must be HTTP statuses")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-http-status", "200" }, "--check-http-status needs --check-http")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-http", "/", "--check-send", "x", "--check-expect", "y" },
        "--check-http cannot be combined with --check-send")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--on-down", "cut" }, "--on-down: 'cut' must be keep or shutdown")]
    [InlineData(new[] { "7777", "--on-down", "shutdown" }, "--on-down shutdown needs --check-interval (checks are off)")]
    [InlineData(new[] { "7777", "--check-http", "/" }, "--check-http needs --check-interval (checks are off)")]
    [InlineData(new[] { "7777", "--check-port", "8008" }, "--check-port needs --check-interval (checks are off)")]
    public void Parse_BadCheckTargetOrOnDown_SaysWhatIsWrong(string[] args, string message) =>
        Assert.StartsWith(message, Assert.Throws<ConfigException>(() => Parse(args)).Message);

    [Theory]
    [InlineData(new[] { "7777", "--check-interval", "50ms" }, "--check-interval: '50ms' must be 0 (off) or at least 100ms")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-timeout", "0" }, "--check-timeout: '0' must be more than zero")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-send", @"\z", "--check-expect", "x" }, @"--check-send: '\z' has an unknown escape")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-fall", "0" }, "--check-fall: '0' must be a whole number from 1 to 100")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-rise", "101" }, "--check-rise: '101' must be a whole number from 1 to 100")]
    [InlineData(new[] { "7777", "--check-interval", "1s", "--check-send", "x" }, "--check-send needs --check-expect (the answer a healthy server gives)")]
    [InlineData(new[] { "7777", "--check-expect", "x" }, "--check-expect needs --check-interval (checks are off)")]
    [InlineData(new[] { "7777", "--check-timeout", "1s" }, "--check-timeout needs --check-interval (checks are off)")]
    [InlineData(new[] { "7777", "--slow-start", "fast" }, "--slow-start: 'fast' is not a duration")]
    [InlineData(new[] { "7777", "--queue-timeout", "0" }, "--queue-timeout: '0' must be more than zero")]
    [InlineData(new[] { "7777", "--max-conns-per-client", "-1" }, "--max-conns-per-client: '-1' must be a whole number from 0 to 1000000")]
    [InlineData(new[] { "7777", "--max-conn-rate-per-client", "fast" }, "--max-conn-rate-per-client: 'fast' must be a whole number from 0 to 1000000")]
    [InlineData(new[] { "7777", "--fail-threshold", "0" }, "--fail-threshold: '0' must be a whole number from 1 to 100")]
    [InlineData(new[] { "7777", "--on-up", "shutdown" }, "--on-up: 'shutdown' must be keep or shutdown-backup")]
    public void Parse_BadValue_SaysWhatIsWrong(string[] args, string message) =>
        Assert.StartsWith(message, Assert.Throws<ConfigException>(() => Parse(args)).Message);
}
