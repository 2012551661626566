using System.Globalization;
using System.Net;
using Tcplb.Configuration;

namespace Tcplb.Cli;

/// <summary>
/// Reads <c>tcplb PORT [options]</c> and the <c>TCPLB_*</c> environment; a flag wins over its variable.
/// Every bad value throws a <see cref="ConfigException"/> naming the option and the value.
/// </summary>
internal static class OptionsParser
{
    private delegate Settings Apply(Settings options, string value, string what);

    private sealed record Spec(string Flag, string Env, bool TakesValue, Apply Apply);

    private static readonly Spec[] Specs =
    [
        new("--hosts", "TCPLB_HOSTS", true, (o, v, w) => o with { HostsPath = NonEmpty(v, w) }),
        new("--balance", "TCPLB_BALANCE", true, (o, v, w) => o with { Balance = ParseBalance(v, w) }),
        new("--cooldown", "TCPLB_COOLDOWN", true, (o, v, w) => o with { Cooldown = Positive(Duration.Parse(v, w), v, w) }),
        new("--connect-timeout", "TCPLB_CONNECT_TIMEOUT", true, (o, v, w) => o with { ConnectTimeout = Positive(Duration.Parse(v, w), v, w) }),
        new("--idle-timeout", "TCPLB_IDLE_TIMEOUT", true, (o, v, w) => o with { IdleTimeout = Duration.Parse(v, w) }),
        new("--max-conns", "TCPLB_MAX_CONNS", true, (o, v, w) => o with { MaxConnections = Integer(v, w, 1, 1_000_000) }),
        new("--buffer-size", "TCPLB_BUFFER_SIZE", true, (o, v, w) => o with { BufferSize = Integer(v, w, 1024, 1024 * 1024) }),
        new("--drain", "TCPLB_DRAIN", true, (o, v, w) => o with { Drain = Duration.Parse(v, w) }),
        new("--shutdown-delay", "TCPLB_SHUTDOWN_DELAY", true, (o, v, w) => o with { ShutdownDelay = Duration.Parse(v, w) }),
        new("--admin", "TCPLB_ADMIN", true, (o, v, w) => o with { Admin = ParseEndPoint(v, w) }),
        new("--proxy-protocol", "TCPLB_PROXY_PROTOCOL", true, (o, v, w) => o with { ProxyProtocol = ParseProxyProtocol(v, w) }),
        new("--resolve-interval", "TCPLB_RESOLVE_INTERVAL", true, (o, v, w) => o with { ResolveInterval = Duration.Parse(v, w) }),
        new("--access-log", "TCPLB_ACCESS_LOG", false, (o, v, w) => o with { AccessLog = ParseSwitch(v, w) }),
        new("--log-level", "TCPLB_LOG_LEVEL", true, (o, v, w) => o with { LogLevel = ParseLogLevel(v, w) }),
        new("--workers", "TCPLB_WORKERS", true, (o, v, w) => o with { Workers = v == "auto" ? 0 : Integer(v, w, 1, 256, "or auto") }),
        new("--sni-timeout", "TCPLB_SNI_TIMEOUT", true, (o, v, w) => o with { SniTimeout = Positive(Duration.Parse(v, w), v, w) }),
        new("--check-interval", "TCPLB_CHECK_INTERVAL", true, (o, v, w) => o with { CheckInterval = ZeroOrAtLeast(Duration.Parse(v, w), MinCheckInterval, v, w) }),
        new("--check-timeout", "TCPLB_CHECK_TIMEOUT", true, (o, v, w) => o with { CheckTimeout = Positive(Duration.Parse(v, w), v, w) }),
        new("--check-send", "TCPLB_CHECK_SEND", true, (o, v, w) => o with { CheckSend = EscapedBytes.Parse(v, w) }),
        new("--check-expect", "TCPLB_CHECK_EXPECT", true, (o, v, w) => o with { CheckExpect = EscapedBytes.Parse(v, w) }),
        new("--check-fall", "TCPLB_CHECK_FALL", true, (o, v, w) => o with { CheckFall = Integer(v, w, 1, 100) }),
        new("--check-rise", "TCPLB_CHECK_RISE", true, (o, v, w) => o with { CheckRise = Integer(v, w, 1, 100) }),
        new("--slow-start", "TCPLB_SLOW_START", true, (o, v, w) => o with { SlowStart = Duration.Parse(v, w) }),
        new("--queue-timeout", "TCPLB_QUEUE_TIMEOUT", true, (o, v, w) => o with { QueueTimeout = Positive(Duration.Parse(v, w), v, w) }),
        new("--max-conns-per-client", "TCPLB_MAX_CONNS_PER_CLIENT", true, (o, v, w) => o with { MaxConnectionsPerClient = Integer(v, w, 0, 1_000_000) }),
        new("--allow", "TCPLB_ALLOW", true, (o, v, w) => o with { Allow = AddressPrefixes.Parse(v, w) }),
        new("--deny", "TCPLB_DENY", true, (o, v, w) => o with { Deny = AddressPrefixes.Parse(v, w) }),
        new("--accept-proxy", "TCPLB_ACCEPT_PROXY", true, (o, v, w) => o with { AcceptProxy = AddressPrefixes.Parse(v, w) }),
    ];

    public static Command Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            return new Command.Help();
        }
        if (args.Contains("--version"))
        {
            return new Command.Version();
        }
        if (args.Count > 0 && args[0] == "--probe")
        {
            return args.Count == 2 ? new Command.Probe(args[1]) : throw new ConfigException("--probe takes one ADDR:PORT");
        }

        var validate = args.Contains("--validate");
        var options = new Settings();
        foreach (var spec in Specs)
        {
            var value = environment(spec.Env);
            if (!string.IsNullOrEmpty(value))
            {
                options = spec.Apply(options, value, spec.Env);
            }
        }

        int? port = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--validate")
            {
                continue;
            }
            if (!arg.StartsWith('-') || arg == "-")
            {
                port = port is null ? ParsePort(arg) : throw new ConfigException($"unexpected argument '{arg}'");
                continue;
            }
            var equals = arg.IndexOf('=');
            var flag = equals < 0 ? arg : arg[..equals];
            var spec = Array.Find(Specs, s => s.Flag == flag) ?? throw new ConfigException($"unknown option '{flag}'");
            string value;
            if (!spec.TakesValue)
            {
                value = equals < 0 ? "1" : arg[(equals + 1)..];
            }
            else if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new ConfigException($"{flag} needs a value");
            }
            options = spec.Apply(options, value, flag);
        }

        if (port is null)
        {
            throw new ConfigException("missing PORT");
        }
        options = CheckCombinations(options with { Port = port.Value });
        return validate ? new Command.Validate(options) : new Command.Run(options);
    }

    /// <summary>Options that only mean something together: a check option without checks is a mistake worth a line.</summary>
    private static Settings CheckCombinations(Settings options)
    {
        if (options.CheckSend is not null && options.CheckExpect is null)
        {
            throw new ConfigException("--check-send needs --check-expect (the answer a healthy server gives)");
        }
        if (options.CheckInterval == TimeSpan.Zero && (options.CheckExpect is not null || options.CheckTimeout is not null))
        {
            throw new ConfigException($"{(options.CheckExpect is not null ? "--check-expect" : "--check-timeout")} needs --check-interval (checks are off)");
        }
        return options;
    }

    private static int ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new ConfigException($"PORT must be a number from 1 to 65535, not '{text}'");

    private static string NonEmpty(string value, string what) =>
        value.Length > 0 ? value : throw new ConfigException($"{what} needs a value");

    private static readonly TimeSpan MinCheckInterval = TimeSpan.FromMilliseconds(100);

    private static TimeSpan ZeroOrAtLeast(TimeSpan value, TimeSpan least, string text, string what) =>
        value == TimeSpan.Zero || value >= least ? value : throw new ConfigException($"{what}: '{text}' must be 0 (off) or at least {Duration.Format(least)}");

    private static TimeSpan Positive(TimeSpan value, string text, string what) =>
        value > TimeSpan.Zero ? value : throw new ConfigException($"{what}: '{text}' must be more than zero");

    private static int Integer(string text, string what, int min, int max, string? orElse = null) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ConfigException($"{what}: '{text}' must be a whole number from {min} to {max}{(orElse is null ? "" : " " + orElse)}");

    private static BalancePolicy ParseBalance(string text, string what) =>
        BalancePolicyNames.TryParse(text, out var policy)
            ? policy
            : throw new ConfigException($"{what}: unknown policy '{text}' ({BalancePolicyNames.List})");

    private static ProxyProtocolVersion ParseProxyProtocol(string text, string what) => text switch
    {
        "v1" => ProxyProtocolVersion.V1,
        "v2" => ProxyProtocolVersion.V2,
        _ => throw new ConfigException($"{what}: '{text}' must be v1 or v2"),
    };

    private static LogLevel ParseLogLevel(string text, string what) => text switch
    {
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Info,
        "warn" => LogLevel.Warn,
        "error" => LogLevel.Error,
        _ => throw new ConfigException($"{what}: '{text}' must be debug, info, warn or error"),
    };

    private static bool ParseSwitch(string text, string what) => text switch
    {
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        _ => throw new ConfigException($"{what}: '{text}' must be 1 or 0"),
    };

    private static IPEndPoint ParseEndPoint(string text, string what) =>
        IPEndPoint.TryParse(text, out var endPoint) && endPoint.Port != 0 && text.Contains(':')
            ? endPoint
            : throw new ConfigException($"{what}: '{text}' must be ADDR:PORT with an IP address, such as 127.0.0.1:9000");
}
