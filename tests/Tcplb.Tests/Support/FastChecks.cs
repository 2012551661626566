using Tcplb.Configuration;

namespace Tcplb.Tests.Support;

/// <summary>Active checks for tests on real sockets: every 100 ms, two in a row to go down or up.</summary>
internal static class FastChecks
{
    public static readonly Settings Settings = new()
    {
        CheckInterval = TimeSpan.FromMilliseconds(100),
        CheckTimeout = TimeSpan.FromSeconds(1), // generous: a check slowed by a busy machine must not read as a timeout
        CheckFall = 2,
        CheckRise = 2,
    };
}
