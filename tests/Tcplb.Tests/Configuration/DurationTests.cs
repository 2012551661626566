using Tcplb.Configuration;

namespace Tcplb.Tests.Configuration;

public class DurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("3s", 3_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    public void Parse_ValidText_GivesMilliseconds(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Duration.Parse(text, "--x"));

    [Theory]
    [InlineData("3", "needs a unit")]
    [InlineData("", "is not a duration")]
    [InlineData("s", "is not a duration")]
    [InlineData("-1s", "is not a duration")]
    [InlineData("3d", "unknown unit")]
    [InlineData("1.2.3s", "is not a duration")]
    [InlineData("99999h", "too long")]
    public void Parse_BadText_NamesTheOptionAndValue(string text, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => Duration.Parse(text, "--cooldown"));
        Assert.StartsWith("--cooldown: ", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Theory]
    [InlineData(10_000, "10s")]
    [InlineData(1_500, "1500ms")]
    [InlineData(120_000, "2m")]
    [InlineData(0, "0")]
    public void Format_ReadsBackTheSame(int milliseconds, string text)
    {
        Assert.Equal(text, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Duration.Parse(text, "x"));
    }
}
