using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
        new("--check-port", "TCPLB_CHECK_PORT", true, (o, v, w) => o with { CheckPort = Integer(v, w, 1, 65535) }),
        new("--check-http", "TCPLB_CHECK_HTTP", true, (o, v, w) => o with { CheckHttpPath = HttpCheckOptions.ParsePath(v, w) }),
        new("--check-http-status", "TCPLB_CHECK_HTTP_STATUS", true, (o, v, w) => o with { CheckHttpStatuses = HttpCheckOptions.ParseStatuses(v, w) }),
        new("--on-down", "TCPLB_ON_DOWN", true, (o, v, w) => o with { ResetOnServerDown = ParseOnDown(v, w) }),
        new("--on-up", "TCPLB_ON_UP", true, (o, v, w) => o with { ResetBackupsOnPrimaryUp = ParseOnUp(v, w) }),
        new("--check-fall", "TCPLB_CHECK_FALL", true, (o, v, w) => o with { CheckFall = Integer(v, w, 1, 100) }),
        new("--check-rise", "TCPLB_CHECK_RISE", true, (o, v, w) => o with { CheckRise = Integer(v, w, 1, 100) }),
        new("--slow-start", "TCPLB_SLOW_START", true, (o, v, w) => o with { SlowStart = Duration.Parse(v, w) }),
        new("--queue-timeout", "TCPLB_QUEUE_TIMEOUT", true, (o, v, w) => o with { QueueTimeout = Positive(Duration.Parse(v, w), v, w) }),
        new("--max-conns-per-client", "TCPLB_MAX_CONNS_PER_CLIENT", true, (o, v, w) => o with { MaxConnectionsPerClient = Integer(v, w, 0, 1_000_000) }),
        new("--retries", "TCPLB_RETRIES", true, (o, v, w) => o with { Retries = Integer(v, w, 0, 1000) }),
        new("--tcp-keepalive", "TCPLB_TCP_KEEPALIVE", true, (o, v, w) => o with { TcpKeepAlive = TcpKeepAlive.Parse(v, w) }),
        new("--source", "TCPLB_SOURCE", true, (o, v, w) => o with { SourceAddress = ParseSourceAddress(v, w) }),
        new("--fail-threshold", "TCPLB_FAIL_THRESHOLD", true, (o, v, w) => o with { FailThreshold = Integer(v, w, 1, 100) }),
        new("--max-conn-rate-per-client", "TCPLB_MAX_CONN_RATE_PER_CLIENT", true, (o, v, w) => o with { MaxConnectionRatePerClient = Integer(v, w, 0, 1_000_000) }),
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

        (IPAddress? Address, int Port)? listen = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--validate")
            {
                continue;
            }
            if (!arg.StartsWith('-') || arg == "-")
            {
                listen = listen is null ? ListenArgument.Parse(arg) : throw new ConfigException($"unexpected argument '{arg}'");
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

        if (listen is null)
        {
            throw new ConfigException("missing PORT");
        }
        options = CheckCombinations(options with { ListenAddress = listen.Value.Address, Port = listen.Value.Port });
        return validate ? new Command.Validate(options) : new Command.Run(options);
    }

    /// <summary>Options that only mean something together: a check option without checks is a mistake worth a line.</summary>
    private static Settings CheckCombinations(Settings options)
    {
        if (options.CheckSend is not null && options.CheckExpect is null)
        {
            throw new ConfigException("--check-send needs --check-expect (the answer a healthy server gives)");
        }
        if (options.CheckHttpPath is not null && options.CheckSend is not null)
        {
            throw new ConfigException("--check-http cannot be combined with --check-send (the HTTP check sends its own request)");
        }
        if (options.CheckHttpStatuses is not null && options.CheckHttpPath is null)
        {
            throw new ConfigException("--check-http-status needs --check-http");
        }
        if (options.CheckInterval == TimeSpan.Zero && NeedsChecks(options) is { } option)
        {
            throw new ConfigException($"{option} needs --check-interval (checks are off)");
        }
        return options;
    }

    /// <summary>The first option given that only means something with active checks on.</summary>
    private static string? NeedsChecks(Settings options) =>
        options.CheckExpect is not null ? "--check-expect"
        : options.CheckTimeout is not null ? "--check-timeout"
        : options.CheckHttpPath is not null ? "--check-http"
        : options.CheckPort != 0 ? "--check-port"
        : options.ResetOnServerDown ? "--on-down shutdown"
        : null;

    private static bool ParseOnUp(string text, string what) => text switch
    {
        "keep" => false,
        "shutdown-backup" => true,
        _ => throw new ConfigException($"{what}: '{HostsFile.Printable(text)}' must be keep or shutdown-backup"),
    };

    private static bool ParseOnDown(string text, string what) => text switch
    {
        "keep" => false,
        "shutdown" => true,
        _ => throw new ConfigException($"{what}: '{HostsFile.Printable(text)}' must be keep or shutdown"),
    };

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

    /// <summary>
    /// An IP address of this machine: binding a socket to it is the kernel's own answer, given at start instead
    /// of on every server connect.
    /// </summary>
    private static IPAddress ParseSourceAddress(string text, string what)
    {
        if (!IPAddress.TryParse(text, out var address) || text.Contains('/'))
        {
            throw new ConfigException($"{what}: '{text}' must be an IP address, such as 10.0.0.5 or fd00::5");
        }
        try
        {
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(address, 0));
        }
        catch (SocketException e)
        {
            throw new ConfigException($"{what}: cannot use '{text}': {ErrorText.Of(e)}");
        }
        return address;
    }
}
