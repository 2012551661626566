using System.Net.Sockets;
using Tcplb.Admin;
using Tcplb.Backends;
using Tcplb.Cli;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Net;
using Tcplb.Runtime;
using Tcplb.SharedState;

namespace Tcplb;

/// <summary>
/// The composition root: reads the command line, then validates, probes or runs the balancer, as one process
/// or as a group of worker processes (<c>Program.Workers.cs</c>).
/// </summary>
internal static partial class Program
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
        }
        var settings = ((Command.Run)command).Settings;
        if (WorkerProcess.FromEnvironment() is { } worker)
        {
            SocketEngine.UseOneThreadPerProcess();
            return ServeAsWorker(settings, worker.Index, worker.Listener, worker.State, error);
        }
        if (settings.WorkerCount > 1)
        {
            SocketEngine.UseOneThreadPerProcess();
        }
        return Serve(settings, args, error);
    }

    /// <summary>
    /// <c>--validate</c>: everything start-up checks, without binding a port or reserving buffers; prints the
    /// effective servers. A name that does not resolve here is a warning, as at run time.
    /// </summary>
    private static int Validate(Settings settings, TextWriter output, TextWriter error)
    {
        if (LoadHosts(settings, error) is not { } entries)
        {
            return ExitUsage;
        }
        var servers = new HostsResolver(new Log(error, settings.LogLevel, TimeProvider.System)).Resolve(entries);
        output.WriteLine($"tcplb: configuration ok: listen {settings.Listen}, balance {BalancePolicyNames.Of(settings.Balance)}, " +
            $"{Counted(servers.Count, "server")}, {Counted(settings.WorkerCount, "worker")}");
        foreach (var server in servers)
        {
            var routes = server.Routes is [ServerNames.DefaultRoute] ? "" : $" routes={string.Join(',', server.Routes)}";
            var maxConn = server.MaxConnections > 0 ? $" maxconn={server.MaxConnections}" : "";
            var checkPort = server.CheckPortOr(settings.CheckPort) is var port && port != server.EndPoint.Port ? $" check-port={port}" : "";
            output.WriteLine($"{server.Name} host={server.Host} weight={server.Weight}{maxConn}{checkPort}{routes}");
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

    /// <summary>
    /// Runs the balancer: as one process whose socket engine has a thread per core, or as the first of several
    /// worker processes (then it makes the shared state table, starts the others, see <c>Program.Workers.cs</c>,
    /// and speaks for the group, reading the group's figures from the table).
    /// </summary>
    private static int Serve(Settings settings, string[] args, TextWriter error)
    {
        var time = TimeProvider.System;
        var log = new Log(error, settings.LogLevel, time);
        var several = settings.WorkerCount > 1;
        var workerLog = several ? log.ForWorker(0) : log;
        if (LoadHosts(settings, error) is not { } entries)
        {
            return ExitUsage;
        }
        StateTable table;
        try
        {
            table = Proxy.CreateTable(settings, settings.WorkerCount, time.GetTimestamp(), shareable: several);
        }
        catch (IOException e)
        {
            error.WriteLine($"tcplb: cannot make the shared state table: {e.Message}");
            return ExitFailure;
        }
        var resolver = new HostsResolver(workerLog, table);
        var servers = Resolve(resolver, entries, log);
        Socket[]? group = null;
        try
        {
            group = several ? ListenSocket.OpenGroup(settings.Port, settings.WorkerCount, settings.ListenAddress, settings.TcpKeepAlive) : null;
        }
        catch (SocketException e)
        {
            error.WriteLine(CannotListen(settings, e));
            return ExitFailure;
        }
        if (CreateProxy(several ? ShareOf(settings) : settings, servers, workerLog, group?[0], table, error) is not { } proxy)
        {
            return ExitFailure;
        }
        using var workers = group is null ? null : new WorkerGroup(group, table, args, log);
        if (!TryCreateAdmin(settings, proxy.Status, error, out var admin))
        {
            proxy.Dispose();
            return ExitFailure;
        }
        using (proxy)
        using (admin)
        using (new TcplbMeter(proxy.Status))
        using (var reloader = new HostsReloader(settings.HostsPath, entries, proxy.Routes, resolver, settings.ResolveInterval, time, workerLog))
        using (var signals = new ShutdownSignals(log, reloader.RequestReload, workers is null ? null : workers.Relay))
        {
            proxy.Start();
            if (workers?.Start() == false)
            {
                return ExitFailure;
            }
            StartAdmin(admin, log);
            LogListening(log, settings, proxy.LocalEndPoint.Port, servers.Count);
            signals.WaitForStop(settings.ShutdownDelay, () => proxy.Stopping = true); // then the other workers' share of the port is closed (WorkerGroup.Relay)
            proxy.StopAccepting();
            log.Info("draining", ("connections", proxy.Connections.Active), ("drain", settings.Drain));
            Drain(proxy, settings.Drain, workerLog);
            var clean = workers?.WaitForExit(settings.Drain + WorkerGroup.StartTimeout) ?? true;
            log.Info("stopped");
            return clean ? ExitOk : ExitFailure;
        }
    }

    private static IReadOnlyList<HostEntry>? LoadHosts(Settings settings, TextWriter error)
    {
        try
        {
            return HostsFile.Load(settings.HostsPath);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"tcplb: {e.Message}");
            return null;
        }
    }

    private static List<Backend> Resolve(HostsResolver resolver, IReadOnlyList<HostEntry> entries, Log log)
    {
        var servers = resolver.Resolve(entries);
        if (servers.Count == 0)
        {
            log.Warn("no server address resolves yet; clients are refused until one does");
        }
        return servers;
    }

    /// <summary>The proxy, or null after one line saying why it cannot run (the port, or the buffers).</summary>
    private static Proxy? CreateProxy(Settings settings, List<Backend> servers, Log log, Socket? listener, StateTable table, TextWriter error)
    {
        try
        {
            return new Proxy(settings, servers, log, TimeProvider.System, Random.Shared, listener: listener, table: table);
        }
        catch (SocketException e)
        {
            error.WriteLine(CannotListen(settings, e));
        }
        catch (OutOfMemoryException)
        {
            error.WriteLine($"tcplb: cannot reserve {BufferSlab.BytesFor(settings.MaxConnections, settings.BufferSize) >> 20} MiB of buffers; " +
                "lower --max-conns or --buffer-size");
        }
        return null;
    }

    private static string CannotListen(Settings settings, SocketException e) =>
        $"tcplb: cannot listen on {(settings.ListenAddress is null ? $"port {settings.Port}" : settings.Listen)}: {ErrorText.Of(e)}";

    private static bool TryCreateAdmin(Settings settings, Func<ProxyStatus> status, TextWriter error, out AdminServer? admin)
    {
        admin = null;
        if (settings.Admin is null)
        {
            return true;
        }
        try
        {
            admin = new AdminServer(settings.Admin, status);
            return true;
        }
        catch (SocketException e)
        {
            error.WriteLine($"tcplb: cannot listen on admin address {settings.Admin}: {ErrorText.Of(e)}");
            return false;
        }
    }

    private static void StartAdmin(AdminServer? admin, Log log)
    {
        if (admin is not null)
        {
            admin.Start();
            log.Info("admin listening", ("address", admin.LocalEndPoint));
        }
    }

    private static void LogListening(Log log, Settings settings, int port, int servers) =>
        log.Info("listening", ("port", port), ("listen", ListenArgument.Format(settings.ListenAddress, port)), ("servers", servers),
            ("balance", BalancePolicyNames.Of(settings.Balance)), ("max_conns", settings.MaxConnections), ("workers", settings.WorkerCount));

    /// <summary>"1 server", "2 servers".</summary>
    private static string Counted(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>Stops accepting (if not stopped yet), waits up to the drain time, then closes what is left.</summary>
    private static void Drain(Proxy proxy, TimeSpan drain, Log log)
    {
        if (proxy.Accepting)
        {
            proxy.StopAccepting();
        }
        if (!proxy.WaitForDrain(drain))
        {
            log.Warn("drain time over; closing the remaining connections", ("connections", proxy.Connections.ActiveHere));
            proxy.CloseAll();
        }
    }
}
