using Tcplb.Backends;
using Tcplb.Configuration;
using Tcplb.Infrastructure;
using Tcplb.Net;
using Tcplb.Runtime;
using Tcplb.SharedState;

namespace Tcplb;

/// <summary>
/// Several worker processes share the port through <c>SO_REUSEPORT</c>, each with one socket engine thread,
/// so that both sockets of a connection are served by one thread (nginx's model). The process the user starts
/// is the first worker (<see cref="Serve"/>): it binds the port, makes the shared state table, starts the others
/// with a socket and the table each, and speaks for the group. This is the others' side.
/// </summary>
internal static partial class Program
{
    private static int ServeAsWorker(Settings settings, int index, int listener, int state, TextWriter error)
    {
        var time = TimeProvider.System;
        var log = new Log(error, settings.LogLevel, time).ForWorker(index);
        if (LoadHosts(settings, error) is not { } entries)
        {
            return ExitUsage;
        }
        var table = StateTable.Attach(state, index);
        var resolver = new HostsResolver(log, table);
        var servers = resolver.Resolve(entries);
        if (CreateProxy(ShareOf(settings), servers, log, ListenSocket.Inherited(listener), table, error) is not { } proxy)
        {
            return ExitFailure;
        }
        using (proxy)
        using (var reloader = new HostsReloader(settings.HostsPath, entries, proxy.Routes, resolver, settings.ResolveInterval, time, log))
        using (var signals = new ShutdownSignals(log, reloader.RequestReload, ignoreInterrupt: true))
        {
            var channel = new WorkerChannel(reloader.RequestReload, signals.RequestStop);
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
}
