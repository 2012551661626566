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
/// is the first worker (<see cref="Serve"/>): it binds the port, starts the others with a socket each, and
/// speaks for the group. This is the others' side.
/// </summary>
internal static partial class Program
{
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
        using (var reloader = new HostsReloader(settings.HostsPath, entries, proxy.Routes, resolver, settings.ResolveInterval, time, log,
            fresh => OneProcessLimits.Check(settings, fresh)))
        using (var signals = new ShutdownSignals(log, reloader.RequestReload, ignoreInterrupt: true))
        {
            var channel = new WorkerChannel(() => StatusJson.Write(proxy.Status(), indented: false), reloader.RequestReload, signals.RequestStop);
            proxy.Start();
            channel.Start();
            signals.WaitForStop(settings.ShutdownDelay, () => proxy.Stopping = true); // a SIGTERM of its own: the first worker's command ends the delay
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
