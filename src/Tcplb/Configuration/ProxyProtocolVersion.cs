namespace Tcplb.Configuration;

/// <summary>The <c>--proxy-protocol</c> choice: which PROXY protocol header, if any, servers receive first.</summary>
internal enum ProxyProtocolVersion
{
    None,
    V1,
    V2,
}
