using Tcplb.Configuration;

namespace Tcplb.Tests.Configuration;

public class TcpKeepAliveTests
{
    [Theory]
    [InlineData("60s", 60, null, null, "1m")]
    [InlineData("2m:10s", 120, 10, null, "2m:10s")]
    [InlineData("60s:10s:6", 60, 10, 6, "1m:10s:6")]
    [InlineData("1s:1s:1", 1, 1, 1, "1s:1s:1")]
    public void Parse_IdleIntervalCount_InSeconds(string text, int idle, int? interval, int? count, string shown)
    {
        var timing = TcpKeepAlive.Parse(text, "--tcp-keepalive");
        Assert.Equal(new TcpKeepAlive(idle, interval, count), timing);
        Assert.Equal(shown, timing.ToString());
    }

    [Theory]
    [InlineData("60", "--tcp-keepalive: '60' needs a unit")]
    [InlineData("500ms", "--tcp-keepalive: '500ms' in '500ms' must be whole seconds from 1s to 32767s")]
    [InlineData("1500ms:1s", "--tcp-keepalive: '1500ms' in '1500ms:1s' must be whole seconds")]
    [InlineData("10h", "--tcp-keepalive: '10h' in '10h' must be whole seconds from 1s to 32767s")]
    [InlineData("60s:0", "--tcp-keepalive: '0' in '60s:0' must be whole seconds")]
    [InlineData("60s:10s:0", "--tcp-keepalive: COUNT '0' in '60s:10s:0' must be a whole number from 1 to 127")]
    [InlineData("60s:10s:500", "--tcp-keepalive: COUNT '500' in '60s:10s:500' must be a whole number from 1 to 127")]
    [InlineData("60s:10s:6:1", "--tcp-keepalive: '60s:10s:6:1' must be IDLE[:INTERVAL[:COUNT]], such as 60s:10s:6")]
    public void Parse_BadValue_OneLineNamingOptionAndValue(string text, string message)
    {
        var error = Assert.Throws<ConfigException>(() => TcpKeepAlive.Parse(text, "--tcp-keepalive"));
        Assert.StartsWith(message, error.Message);
    }
}
