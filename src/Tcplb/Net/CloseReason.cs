namespace Tcplb.Net;

/// <summary>Why a connection ended; recorded once per connection, for the access log and the counters.</summary>
internal enum CloseReason
{
    None,

    /// <summary>Both sides finished with FIN: the normal end.</summary>
    Done,

    /// <summary>The client reset or failed.</summary>
    ClientError,

    /// <summary>The server reset or failed.</summary>
    ServerError,

    /// <summary>Every server refused or timed out.</summary>
    NoServer,

    /// <summary>No route serves the client's server name, and there is no default route.</summary>
    NoRoute,

    /// <summary>No byte moved either way for the idle timeout.</summary>
    Idle,

    /// <summary>The balancer was shutting down.</summary>
    Shutdown,

    /// <summary>Every server stayed at its <c>maxconn</c> for the queue timeout.</summary>
    QueueTimeout,

    /// <summary>The client's address already held <c>--max-conns-per-client</c> connections.</summary>
    ClientLimit,

    /// <summary>The client's address opened new connections faster than <c>--max-conn-rate-per-client</c>.</summary>
    ClientRate,

    /// <summary>Its server's checks took it down, and <c>--on-down shutdown</c> resets such connections.</summary>
    ServerDown,

    /// <summary>It was served by a backup, a primary server is usable again, and <c>--on-up shutdown-backup</c> closes such connections.</summary>
    PrimaryUp,

    /// <summary>The client's address is outside <c>--allow</c> or inside <c>--deny</c>.</summary>
    Denied,

    /// <summary>A source of <c>--accept-proxy</c> sent no PROXY header in time, or a malformed or too long one.</summary>
    BadProxyHeader,
}
