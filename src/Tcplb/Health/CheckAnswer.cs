using Tcplb.Backends;

namespace Tcplb.Health;

/// <summary>
/// Judges what a server has answered a check so far: passed, failed, or not known yet (read more). Pure and
/// bounded: it looks at no more than the bytes given, which the probe caps at <see cref="MaxLength"/>, so a
/// server that answers garbage, a status line that never ends or a body that never ends only fails its check.
/// </summary>
internal static class CheckAnswer
{
    /// <summary>The most of an answer a check reads (HAProxy's <c>tune.bufsize</c> for checks is 16 KiB too).</summary>
    public const int MaxLength = 16 * 1024;

    private static ReadOnlySpan<byte> HttpVersionPrefix => "HTTP/1."u8;

    /// <summary>
    /// The outcome for <paramref name="answer"/> (all bytes read so far), or null while more bytes could still
    /// decide it. A plain check passes once <paramref name="expect"/> appears anywhere; an HTTP check (when
    /// <paramref name="http"/> is set) needs a whole status line with an accepted status first, then the
    /// expected bytes, if any, anywhere in the response. <paramref name="statuses"/>: those accepted, or null for
    /// any 2xx or 3xx (HAProxy's default).
    /// </summary>
    public static CheckOutcome? Judge(ReadOnlySpan<byte> answer, byte[]? expect, bool http, int[]? statuses)
    {
        if (http)
        {
            switch (ReadStatusLine(answer, out var status))
            {
                case StatusLine.Incomplete:
                    return null;
                case StatusLine.Invalid:
                    return CheckOutcome.Mismatch;
            }
            if (statuses is null ? status is < 200 or >= 400 : Array.IndexOf(statuses, status) < 0)
            {
                return CheckOutcome.Status;
            }
        }
        return expect is null || answer.IndexOf(expect) >= 0 ? CheckOutcome.Passed : null;
    }

    /// <summary>
    /// Reads <c>HTTP/1.x SSS reason\r\n</c> at the start of <paramref name="answer"/>: invalid as soon as a byte
    /// breaks that shape, incomplete until the line ends.
    /// </summary>
    internal static StatusLine ReadStatusLine(ReadOnlySpan<byte> answer, out int status)
    {
        status = 0;
        var prefix = Math.Min(answer.Length, HttpVersionPrefix.Length);
        if (!answer[..prefix].SequenceEqual(HttpVersionPrefix[..prefix]))
        {
            return StatusLine.Invalid;
        }
        // "HTTP/1.1 200" is 12 bytes: the minor version digit, a space and three status digits follow the prefix.
        for (var i = HttpVersionPrefix.Length; i < Math.Min(answer.Length, 12); i++)
        {
            var valid = i == 8 ? answer[i] == (byte)' ' : char.IsAsciiDigit((char)answer[i]);
            if (!valid)
            {
                return StatusLine.Invalid;
            }
        }
        if (answer.Length < 13)
        {
            return StatusLine.Incomplete;
        }
        if (answer[12] is not ((byte)' ' or (byte)'\r' or (byte)'\n'))
        {
            return StatusLine.Invalid;
        }
        if (answer.IndexOf((byte)'\n') < 0)
        {
            return StatusLine.Incomplete;
        }
        status = (answer[9] - '0') * 100 + (answer[10] - '0') * 10 + (answer[11] - '0');
        return StatusLine.Complete;
    }

    internal enum StatusLine
    {
        Incomplete,
        Invalid,
        Complete,
    }
}
