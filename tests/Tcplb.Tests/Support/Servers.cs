using System.Net;
using Tcplb.Backends;

namespace Tcplb.Tests.Support;

internal static class Servers
{
    /// <summary>Servers 10.0.0.1:80, 10.0.0.2:80, ... with the given weights (1 each by default).</summary>
    public static Backend[] Make(int count, params int[] weights) =>
        [.. Enumerable.Range(1, count).Select(i => new Backend(
            new IPEndPoint(IPAddress.Parse($"10.0.0.{i}"), 80), $"s{i}:80", weights.Length >= i ? weights[i - 1] : 1))];
}
