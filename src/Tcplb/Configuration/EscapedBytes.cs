using System.Globalization;
using System.Text;

namespace Tcplb.Configuration;

/// <summary>
/// Bytes as users write them on a command line, for the send/expect health check: text (UTF-8) with the escapes
/// <c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\\</c> and <c>\xHH</c>, so that <c>'PING\r\n'</c> is the six bytes Redis expects.
/// </summary>
internal static class EscapedBytes
{
    public const int MaxLength = 1024;

    public static byte[] Parse(string text, string what)
    {
        if (text.Length == 0)
        {
            throw new ConfigException($"{what} needs a value");
        }
        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                var length = char.IsSurrogatePair(text, i) ? 2 : 1;
                bytes.AddRange(utf8[..Encoding.UTF8.GetBytes(text.AsSpan(i, length), utf8)]);
                i += length - 1;
                continue;
            }
            if (i + 1 == text.Length)
            {
                throw new ConfigException($"{what}: '{text}' ends with a lone '\\' (write \\\\ for a backslash)");
            }
            switch (text[++i])
            {
                case 'r': bytes.Add((byte)'\r'); break;
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case 'x' when i + 2 < text.Length
                    && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b):
                    bytes.Add(b);
                    i += 2;
                    break;
                case 'x':
                    throw new ConfigException($"{what}: '{text}' has \\x without two hex digits");
                default:
                    throw new ConfigException($"{what}: '{text}' has an unknown escape '\\{text[i]}' (use \\r \\n \\t \\\\ \\xHH)");
            }
        }
        return bytes.Count <= MaxLength
            ? [.. bytes]
            : throw new ConfigException($"{what}: longer than {MaxLength} bytes");
    }
}
