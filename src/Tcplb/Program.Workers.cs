using System.Net.Sockets;
using System.Text.Json;
using Tcplb.Admin;
using Tcplb.Backends;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Net;
using Tcplb.Runtime;

namespace Tcplb;

/// <summary>
/// Several worker processes share the port through <c>SO_REUSEPORT</c>, each with one socket engine thread,
/// so that both sockets of a connection are served by one thread (nginx's model). The process the user starts
/// is the first worker: it binds the port, starts the others with a socket each, and speaks for the group
/// (log lines about the whole, the admin endpoint with the figures of all, signals, the exit code).
/// </summary>
internal static partial class Program
{
    private static int ServeAsFirstWorker(Settings settings, string[] args, TextWriter error)
    {
        var time = TimeProvider.System;
        var log = new Log(error, settings.LogLevel, time);
        var workerLog = log.ForWorker(0);
        if (LoadHosts(settings, error) is not { } entries)
        {
            return ExitUsage;
        }
        var resolver = new HostsResolver(workerLog);
        var servers = Resolve(resolver, entries, log);
        Socket[] listeners;
        try
        {
            listeners = ListenSocket.OpenGroup(settings.Port, settings.WorkerCount);
        }
        catch (SocketException e)
        {
            error.WriteLine(CannotListen(settings, e));
            return ExitFailure;
        }
        if (CreateProxy(ShareOf(settings), servers, workerLog, listeners[0], error) is not { } proxy)
        {
            return ExitFailure;
        }
        using var workers = new WorkerGroup(listeners, args, log);
        Func<byte[]> status = () => StatusMerge.Merge([StatusJson.Write(proxy.Status(), indented: false), .. workers.Statuses()]);
        if (!TryCreateAdmin(settings, status, error, out var admin))
        {
            proxy.Dispose();
            return ExitFailure;
        }
        using (proxy)
        using (admin)
        using (new TcplbMeter(status))
        using (var reloader = new HostsReloader(settings.HostsPath, entries, proxy.Pool, resolver, settings.ResolveInterval, time, workerLog))
        using (var signals = new ShutdownSignals(log, reloader.RequestReload, workers.Relay))
        {
            proxy.Start();
            if (!workers.Start())
            {
                return ExitFailure;
            }
            StartAdmin(admin, log);
            LogListening(log, settings, proxy.LocalEndPoint.Port, servers.Count);
            signals.WaitForStop(); // the other workers' share of the port is closed already (WorkerGroup.Relay)
            proxy.StopAccepting();
            log.Info("draining", ("connections", ActiveConnections(status())), ("drain", settings.Drain));
            Drain(proxy, settings.Drain, workerLog);
            var clean = workers.WaitForExit(settings.Drain + WorkerGroup.StartTimeout);
            log.Info("stopped");
            return clean ? ExitOk : ExitFailure;
        }
    }

    private static int ServeAsWorker(Settings settings, int index, int descriptor, TextWriter error)
    {
        var time = TimeProvider.System;
        var log = new Log(error, settings.LogLevel, time).ForWorker(index);
        if (LoadHosts(settings, error) is not { } entries)
        {
            return ExitUsage;
        }
        var resolver = new HostsResolver(log);
        var servers = resolver.Resolve(entries);
        if (CreateProxy(ShareOf(settings), servers, log, ListenSocket.Inherited(descriptor), error, index) is not { } proxy)
        {
            return ExitFailure;
        }
        using (proxy)
        using (var reloader = new HostsReloader(settings.HostsPath, entries, proxy.Pool, resolver, settings.ResolveInterval, time, log))
        using (var signals = new ShutdownSignals(log, reloader.RequestReload, ignoreInterrupt: true))
        {
            var channel = new WorkerChannel(() => StatusJson.Write(proxy.Status(), indented: false), signals.RequestStop);
            proxy.Start();
            channel.Start();
            signals.WaitForStop();
            Drain(proxy, settings.Drain, log);
        }
        return ExitOk;
    }

    /// <summary>One worker's share of <c>--max-conns</c>, rounded up: the kernel spreads connections over the workers evenly, not exactly.</summary>
    private static Settings ShareOf(Settings settings) =>
        settings with { MaxConnections = (settings.MaxConnections + settings.WorkerCount - 1) / settings.WorkerCount };

    private static long ActiveConnections(byte[] status)
    {
        using var document = JsonDocument.Parse(status);
        return (long)StatusJson.Figure(document.RootElement, "connections.active");
    }
}
