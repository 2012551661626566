namespace Tcplb.Runtime;

/// <summary>How the runtime's socket engine dispatches completions, chosen before the first socket operation.</summary>
internal static class SocketEngine
{
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    public const string ThreadCountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>
    /// Runs socket completions on the engine's epoll threads (one per core) instead of handing each to the
    /// thread pool. Every callback here only moves bytes or starts the next operation, never blocks, so the
    /// hop is pure cost: on the user's profile it tripled the CPU per request (scripts/bench: 190 ms against
    /// 82 ms of CPU per 1000 requests; HAProxy 66-90). Setting the variable to 0 keeps the thread pool.
    /// The runtime reads the variable once, when the engine starts, so this must run first.
    /// </summary>
    public static void PreferInlineCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }

    /// <summary>
    /// With several worker processes, each runs one engine thread: both sockets of every connection are then
    /// served by the same thread, as in HAProxy and nginx, instead of the two engines the runtime would assign
    /// in turn, so a request wakes one thread, not two. Must run before the first socket operation.
    /// </summary>
    public static void UseOneThreadPerProcess()
    {
        if (Environment.GetEnvironmentVariable(ThreadCountVariable) is null)
        {
            Environment.SetEnvironmentVariable(ThreadCountVariable, "1");
        }
    }
}
