using System.Net;
using Tcplb.Configuration;
using Tcplb.Infrastructure;

namespace Tcplb.Net;

/// <summary>
/// <c>--allow</c> and <c>--deny</c>: which client addresses may connect at all, judged at accept (or once a
/// PROXY header has named the real client), before any server is contacted. Deny wins over allow; without
/// <c>--allow</c> every address not denied is allowed. A refusal is logged at most once a second per reason,
/// never once per client.
/// </summary>
/// <remarks>Thread-safe: called from any accept.</remarks>
internal sealed class ClientFilter(AddressPrefixes? allow, AddressPrefixes? deny, Log log, TimeProvider time)
{
    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(1);

    private readonly LogThrottle _notAllowedWarning = new(time, WarningInterval);
    private readonly LogThrottle _deniedWarning = new(time, WarningInterval);

    /// <summary>The filter of <paramref name="settings"/>; null when it has neither list.</summary>
    public static ClientFilter? Of(Settings settings, Log log, TimeProvider time) =>
        settings.Allow is null && settings.Deny is null ? null : new ClientFilter(settings.Allow, settings.Deny, log, time);

    /// <summary>Whether <paramref name="client"/> may connect; when not, says so (throttled).</summary>
    public bool Admits(IPAddress client)
    {
        if (deny is not null && deny.Contains(client))
        {
            Refused(_deniedWarning, client, "in --deny");
            return false;
        }
        if (allow is not null && !allow.Contains(client))
        {
            Refused(_notAllowedWarning, client, "not in --allow");
            return false;
        }
        return true;
    }

    private void Refused(LogThrottle throttle, IPAddress client, string reason)
    {
        if (throttle.TryPass())
        {
            log.Warn("client denied; its connections are reset", ("client", client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client),
                ("reason", reason), ("next_log_in", WarningInterval));
        }
    }
}
