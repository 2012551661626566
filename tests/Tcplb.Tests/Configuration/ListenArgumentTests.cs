using System.Net;
using Tcplb.Configuration;

namespace Tcplb.Tests.Configuration;

public class ListenArgumentTests
{
    [Theory]
    [InlineData("7777", null, 7777, "*:7777")]
    [InlineData("127.0.0.1:7777", "127.0.0.1", 7777, "127.0.0.1:7777")]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1, "0.0.0.0:1")]
    [InlineData("[::1]:7777", "::1", 7777, "[::1]:7777")]
    [InlineData("[::]:65535", "::", 65535, "[::]:65535")]
    [InlineData("[fd00::5]:80", "fd00::5", 80, "[fd00::5]:80")]
    public void Parse_PortOrAddressAndPort_ReadsBoth_AndFormatsBack(string text, string? address, int port, string shown)
    {
        var parsed = ListenArgument.Parse(text);
        Assert.Equal(address is null ? null : IPAddress.Parse(address), parsed.Address);
        Assert.Equal(port, parsed.Port);
        Assert.Equal(shown, ListenArgument.Format(parsed.Address, parsed.Port));
    }

    [Theory]
    [InlineData("99999", "PORT must be a number from 1 to 65535, not '99999'")]
    [InlineData("0", "PORT must be a number from 1 to 65535, not '0'")]
    [InlineData("localhost:7777", "listen address 'localhost:7777': 'localhost' is not an IP address (host names are not resolved; such as 127.0.0.1:7777 or [::1]:7777)")]
    [InlineData("127.1:7777", "listen address '127.1:7777': '127.1' is not an IP address")]
    [InlineData("::1:7777", "listen address '::1:7777': an IPv6 address goes in brackets, such as [::1]:7777")]
    [InlineData("[127.0.0.1]:7777", "listen address '[127.0.0.1]:7777': '[127.0.0.1]' is not an IPv6 address")]
    [InlineData("[]:7777", "listen address '[]:7777': '[]' is not an IPv6 address")]
    [InlineData("127.0.0.1:", "listen address '127.0.0.1:' must be PORT or ADDR:PORT with a port from 1 to 65535")]
    [InlineData("127.0.0.1:0", "listen address '127.0.0.1:0' must be PORT or ADDR:PORT")]
    [InlineData(":7777", "listen address ':7777' must be PORT or ADDR:PORT")]
    [InlineData("web", "PORT must be a number from 1 to 65535, not 'web'")]
    public void Parse_HostNameOrMalformed_OneLineNamingTheValue(string text, string message)
    {
        var error = Assert.Throws<ConfigException>(() => ListenArgument.Parse(text));
        Assert.StartsWith(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
