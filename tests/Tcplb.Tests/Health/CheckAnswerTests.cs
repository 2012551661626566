using System.Text;
using Tcplb.Backends;
using Tcplb.Health;

namespace Tcplb.Tests.Health;

/// <summary>
/// How an answer is judged: expected bytes anywhere (HAProxy's <c>expect string</c>), an HTTP status line read
/// strictly, and hostile answers (garbage, endless or huge status lines) that never throw nor pass.
/// </summary>
public class CheckAnswerTests
{
    private static CheckOutcome? Plain(string answer, string expect) => CheckAnswer.Judge(Encoding.ASCII.GetBytes(answer), Encoding.ASCII.GetBytes(expect), false, null);

    private static CheckOutcome? Http(string answer, string? expect = null, int[]? statuses = null) =>
        CheckAnswer.Judge(Encoding.ASCII.GetBytes(answer), expect is null ? null : Encoding.ASCII.GetBytes(expect), true, statuses);

    [Fact]
    public void Judge_ExpectedBytesAfterOthers_Pass_AsRedisAnswersInfoReplication()
    {
        Assert.Equal(CheckOutcome.Passed, Plain("$415\r\n# Replication\r\nrole:master\r\nconnected_slaves:1\r\n", "role:master"));
        Assert.Null(Plain("$415\r\n# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\n", "role:master")); // more may come
        Assert.Null(Plain("$415\r\n# Replication\r\nrole:ma", "role:master")); // the rest in the next read
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n", "passed")]
    [InlineData("HTTP/1.0 204 No Content\r\n\r\n", "passed")]
    [InlineData("HTTP/1.1 302\r\n", "passed")]
    [InlineData("HTTP/1.1 503 Service Unavailable\r\n", "status")]
    [InlineData("HTTP/1.1 404 Not Found\r\n", "status")]
    [InlineData("HTTP/1.1 199 Early\r\n", "status")]
    [InlineData("HTTP/1.1 200 OK", null)] // the line has not ended yet
    [InlineData("HTTP/1.", null)]
    [InlineData("HTTP/2 200\r\n", "mismatch")]
    [InlineData("HTTP/1.1 2000 OK\r\n", "mismatch")]
    [InlineData("HTTP/1.1 20x OK\r\n", "mismatch")]
    [InlineData("http/1.1 200 OK\r\n", "mismatch")]
    [InlineData("+PONG\r\n", "mismatch")]
    [InlineData("H", null)]
    [InlineData("X", "mismatch")] // garbage fails at its first byte
    public void Judge_HttpStatusLine_DefaultAcceptsTwoAndThreeHundreds(string answer, string? outcome) =>
        Assert.Equal(outcome, Http(answer) is { } judged ? CheckOutcomeNames.Of(judged) : null);

    [Fact]
    public void Judge_HttpStatusList_AcceptsOnlyThose_AndExpectMustAlsoAppear()
    {
        Assert.Equal(CheckOutcome.Status, Http("HTTP/1.1 200 OK\r\n", statuses: [204]));
        Assert.Equal(CheckOutcome.Passed, Http("HTTP/1.1 204 OK\r\n", statuses: [200, 204]));
        Assert.Equal(CheckOutcome.Passed, Http("HTTP/1.1 503 x\r\n", statuses: [503]));
        Assert.Null(Http("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{\"role\": \"rep", "\"role\": \"master\""));
        Assert.Equal(CheckOutcome.Passed, Http("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{\"role\": \"master\"}", "\"role\": \"master\""));
        Assert.Equal(CheckOutcome.Status, Http("HTTP/1.1 503 x\r\n\r\n\"role\": \"master\"", "\"role\": \"master\"")); // the status decides first
    }

    [Fact]
    public void Judge_HugeStatusLine_StaysUndecidedUpToTheLimit_SoTheProbeFailsIt()
    {
        var huge = "HTTP/1.1 200 " + new string('x', CheckAnswer.MaxLength);
        Assert.Null(Http(huge[..CheckAnswer.MaxLength])); // no line end within what a probe reads: it reads no more and fails
    }

    [Fact]
    public void RandomAnswers_NeverThrow_AndPassOnlyWithAWholeAcceptedStatusLine()
    {
        var random = new Random(20261206);
        var buffer = new byte[CheckAnswer.MaxLength];
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(4) == 0 ? random.Next(CheckAnswer.MaxLength + 1) : random.Next(64);
            var answer = buffer.AsSpan(0, length);
            random.NextBytes(answer);
            if (random.Next(2) == 0)
            {
                // Start like a status line, so that the later checks of the line are reached too.
                var start = Encoding.ASCII.GetBytes($"HTTP/1.{random.Next(10)} {random.Next(1000):D3}");
                start.AsSpan(0, Math.Min(start.Length, length)).CopyTo(answer);
                if (length > start.Length && random.Next(3) > 0)
                {
                    answer[start.Length] = (byte)" \r\n"[random.Next(3)];
                }
            }
            var outcome = CheckAnswer.Judge(answer, null, true, null);
            if (outcome == CheckOutcome.Passed)
            {
                var text = Encoding.Latin1.GetString(answer);
                Assert.Matches(@"^HTTP/1\.[0-9] [23][0-9][0-9][ \r\n]", text);
                Assert.Contains('\n', text);
            }
        }
    }
}
