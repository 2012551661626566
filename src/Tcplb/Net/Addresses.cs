using System.Net;

namespace Tcplb.Net;

internal static class Addresses
{
    /// <summary>An IPv4 client seen through a dual-stack socket as <c>::ffff:a.b.c.d</c>, back to plain IPv4.</summary>
    public static IPEndPoint Unmap(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}
