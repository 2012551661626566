using System.Net.Sockets;
using Tcplb.Admin;
using Tcplb.Backends;
using Tcplb.Cli;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Net;
using Tcplb.Runtime;

namespace Tcplb;

/// <summary>The composition root: reads the command line, then validates, probes or runs the balancer.</summary>
internal static class Program
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public static int Main(string[] args)
    {
        SocketEngine.PreferInlineCompletions();
        var error = Console.Error;
        Command command;
        try
        {
            command = OptionsParser.Parse(args, Environment.GetEnvironmentVariable);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"tcplb: {e.Message}");
            error.WriteLine(Usage.Line);
            return ExitUsage;
        }
        switch (command)
        {
            case Command.Help:
                Console.Out.Write(Usage.Help);
                return ExitOk;
            case Command.Version:
                Console.Out.WriteLine($"tcplb {typeof(Program).Assembly.GetName().Version?.ToString(3)}");
                return ExitOk;
            case Command.Probe probe:
                return Probe.Run(probe.Address, error);
            case Command.Validate validate:
                return Validate(validate.Settings, Console.Out, error);
            default:
                return Serve(((Command.Run)command).Settings, error);
        }
    }

    /// <summary>
    /// <c>--validate</c>: everything start-up checks, without binding a port or reserving buffers; prints the
    /// effective servers. A name that does not resolve here is a warning, as at run time.
    /// </summary>
    private static int Validate(Settings settings, TextWriter output, TextWriter error)
    {
        IReadOnlyList<HostEntry> entries;
        try
        {
            entries = HostsFile.Load(settings.HostsPath);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"tcplb: {e.Message}");
            return ExitUsage;
        }
        var servers = new HostsResolver(new Log(error, settings.LogLevel, TimeProvider.System)).Resolve(entries);
        output.WriteLine($"tcplb: configuration ok: port {settings.Port}, balance {BalancePolicyNames.Of(settings.Balance)}, {servers.Count} servers");
        foreach (var server in servers)
        {
            var routes = server.Routes is [ServerNames.DefaultRoute] ? "" : $" routes={string.Join(',', server.Routes)}";
            output.WriteLine($"{server.Name} host={server.Host} weight={server.Weight}{routes}");
        }
        foreach (var entry in entries)
        {
            if (!servers.Exists(s => s.Host == entry.Address))
            {
                output.WriteLine($"{entry.Address} weight={entry.Weight} unresolved");
            }
        }
        return ExitOk;
    }

    private static int Serve(Settings settings, TextWriter error)
    {
        var time = TimeProvider.System;
        var log = new Log(error, settings.LogLevel, time);
        IReadOnlyList<HostEntry> entries;
        try
        {
            entries = HostsFile.Load(settings.HostsPath);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"tcplb: {e.Message}");
            return ExitUsage;
        }
        var resolver = new HostsResolver(log);
        var servers = resolver.Resolve(entries);
        if (servers.Count == 0)
        {
            log.Warn("no server address resolves yet; clients are refused until one does");
        }

        Proxy proxy;
        try
        {
            proxy = new Proxy(settings, servers, log, time, Random.Shared);
        }
        catch (SocketException e)
        {
            var problem = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "address already in use" : e.Message;
            error.WriteLine($"tcplb: cannot listen on port {settings.Port}: {problem}");
            return ExitFailure;
        }
        catch (OutOfMemoryException)
        {
            error.WriteLine($"tcplb: cannot reserve {BufferSlab.BytesFor(settings.MaxConnections, settings.BufferSize) >> 20} MiB of buffers; " +
                "lower --max-conns or --buffer-size");
            return ExitFailure;
        }

        AdminServer? admin = null;
        if (settings.Admin is not null)
        {
            try
            {
                admin = new AdminServer(settings.Admin, proxy.Status);
            }
            catch (SocketException e)
            {
                proxy.Dispose();
                error.WriteLine($"tcplb: cannot listen on admin address {settings.Admin}: {e.Message}");
                return ExitFailure;
            }
        }

        using (proxy)
        using (admin)
        using (new TcplbMeter(proxy.Status))
        using (var reloader = new HostsReloader(settings.HostsPath, entries, proxy.Routes, resolver, settings.ResolveInterval, time, log))
        using (var signals = new ShutdownSignals(log, reloader.RequestReload))
        {
            proxy.Start();
            admin?.Start();
            if (admin is not null)
            {
                log.Info("admin listening", ("address", admin.LocalEndPoint));
            }
            log.Info("listening", ("port", proxy.LocalEndPoint.Port), ("servers", servers.Count), ("balance", BalancePolicyNames.Of(settings.Balance)),
                ("max_conns", settings.MaxConnections));
            signals.WaitForStop();
            log.Info("draining", ("connections", proxy.Connections.Active), ("drain", settings.Drain));
            proxy.StopAccepting();
            if (!proxy.WaitForDrain(settings.Drain))
            {
                log.Warn("drain time over; closing the remaining connections", ("connections", proxy.Connections.Active));
                proxy.CloseAll();
            }
            log.Info("stopped");
        }
        return ExitOk;
    }
}
