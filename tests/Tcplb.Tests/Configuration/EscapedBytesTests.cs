using System.Text;
using Tcplb.Configuration;

namespace Tcplb.Tests.Configuration;

public class EscapedBytesTests
{
    [Theory]
    [InlineData(@"PING\r\n", "PING\r\n")]
    [InlineData(@"+PONG", "+PONG")]
    [InlineData(@"a\tb\\c", "a\tb\\c")]
    [InlineData(@"\x00\x7f\x41", "\0\u007fA")]
    public void Parse_Escapes_GiveTheirBytes(string text, string expected) =>
        Assert.Equal(Encoding.Latin1.GetBytes(expected), EscapedBytes.Parse(text, "--check-send"));

    [Fact]
    public void Parse_NonAscii_IsUtf8() => Assert.Equal("é"u8.ToArray(), EscapedBytes.Parse("é", "--check-expect"));

    [Theory]
    [InlineData("", "--check-send needs a value")]
    [InlineData(@"ab\", @"--check-send: 'ab\' ends with a lone '\' (write \\ for a backslash)")]
    [InlineData(@"\q", @"--check-send: '\q' has an unknown escape '\q' (use \r \n \t \\ \xHH)")]
    [InlineData(@"\x4", @"--check-send: '\x4' has \x without two hex digits")]
    [InlineData(@"\xZZ", @"--check-send: '\xZZ' has \x without two hex digits")]
    public void Parse_BadText_SaysWhy(string text, string message) =>
        Assert.Equal(message, Assert.Throws<ConfigException>(() => EscapedBytes.Parse(text, "--check-send")).Message);
}
