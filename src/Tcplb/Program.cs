using System.Net.Sockets;
using Tcplb.Admin;
using Tcplb.Cli;
using Tcplb.Config;
using Tcplb.Runtime;

namespace Tcplb;

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
            default:
                return Serve(((Command.Run)command).Options, error);
        }
    }

    private static int Serve(Options options, TextWriter error)
    {
        var time = TimeProvider.System;
        var log = new Log(error, options.LogLevel, time);
        IReadOnlyList<HostEntry> entries;
        try
        {
            entries = HostsFile.Load(options.HostsPath);
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

        LoadBalancer balancer;
        try
        {
            balancer = new LoadBalancer(options, servers, log, time, Random.Shared);
        }
        catch (SocketException e)
        {
            var problem = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "address already in use" : e.Message;
            error.WriteLine($"tcplb: cannot listen on port {options.Port}: {problem}");
            return ExitFailure;
        }
        catch (OutOfMemoryException)
        {
            error.WriteLine($"tcplb: cannot reserve {(long)options.MaxConnections * 2 * options.BufferSize >> 20} MiB of buffers; lower --max-conns or --buffer-size");
            return ExitFailure;
        }

        AdminServer? admin = null;
        if (options.Admin is not null)
        {
            try
            {
                admin = new AdminServer(options.Admin, balancer);
            }
            catch (SocketException e)
            {
                balancer.Dispose();
                error.WriteLine($"tcplb: cannot listen on admin address {options.Admin}: {e.Message}");
                return ExitFailure;
            }
        }

        using (balancer)
        using (admin)
        using (var meter = new TcplbMeter(balancer))
        using (var reloader = new HostsReloader(options.HostsPath, entries, balancer, resolver, options.ResolveInterval, log))
        using (var shutdown = new ShutdownSignals(log, reloader.RequestReload))
        {
            balancer.Start();
            admin?.Start();
            if (admin is not null)
            {
                log.Info("admin listening", ("address", admin.LocalEndPoint));
            }
            log.Info("listening", ("port", balancer.LocalEndPoint.Port), ("servers", servers.Count), ("balance", OptionsParser.PolicyName(options.Balance)),
                ("max_conns", options.MaxConnections));
            shutdown.WaitForStop();
            log.Info("draining", ("connections", balancer.Stats.Active), ("drain", options.Drain));
            balancer.StopAccepting();
            if (!balancer.WaitForDrain(options.Drain))
            {
                log.Warn("drain time over; closing the remaining connections", ("connections", balancer.Stats.Active));
                balancer.CloseAll();
            }
            log.Info("stopped");
        }
        return ExitOk;
    }
}
