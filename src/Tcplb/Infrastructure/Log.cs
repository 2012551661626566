using System.Globalization;
using System.Text;
using Tcplb.Configuration;

namespace Tcplb.Infrastructure;

/// <summary>
/// Event log in logfmt, one line per event on stderr:
/// <c>ts=2026-01-02T03:04:05.678Z level=warn msg="server down" server=127.0.0.1:5001 cooldown=10s reason=refused</c>.
/// Only events are logged (server down/up, reload, refusal), never per chunk. Thread-safe.
/// </summary>
/// <remarks>With several worker processes, each worker's events carry <c>worker=N</c>.</remarks>
internal sealed class Log(TextWriter output, LogLevel minimum, TimeProvider time, int? worker = null)
{
    private readonly Lock _write = new();

    /// <summary>The same log, with every line tagged as worker <paramref name="index"/>'s.</summary>
    public Log ForWorker(int index) => new(output, minimum, time, index);

    public void Debug(string message, params ReadOnlySpan<(string Key, object? Value)> fields) => Write(LogLevel.Debug, message, fields);

    public void Info(string message, params ReadOnlySpan<(string Key, object? Value)> fields) => Write(LogLevel.Info, message, fields);

    public void Warn(string message, params ReadOnlySpan<(string Key, object? Value)> fields) => Write(LogLevel.Warn, message, fields);

    public void Error(string message, params ReadOnlySpan<(string Key, object? Value)> fields) => Write(LogLevel.Error, message, fields);

    public void Write(LogLevel level, string message, ReadOnlySpan<(string Key, object? Value)> fields)
    {
        if (level < minimum)
        {
            return;
        }
        var line = new StringBuilder(128);
        line.Append("ts=").Append(time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        line.Append(" level=").Append(Name(level));
        line.Append(" msg=");
        AppendValue(line, message);
        foreach (var (key, value) in fields)
        {
            line.Append(' ').Append(key).Append('=');
            AppendValue(line, value switch
            {
                TimeSpan span => Duration.Format(span),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value?.ToString() ?? "",
            });
        }
        if (worker is { } index)
        {
            line.Append(" worker=").Append(index);
        }
        lock (_write)
        {
            output.WriteLine(line.ToString());
            output.Flush();
        }
    }

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug",
        LogLevel.Info => "info",
        LogLevel.Warn => "warn",
        _ => "error",
    };

    /// <summary>Bare when safe, else quoted with <c>"</c> and <c>\</c> escaped and control characters dropped.</summary>
    private static void AppendValue(StringBuilder line, string value)
    {
        var bare = value.Length > 0 && value.AsSpan().IndexOfAny(" =\"\\\t\r\n") < 0;
        if (bare)
        {
            line.Append(value);
            return;
        }
        line.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                line.Append('\\');
            }
            if (!char.IsControl(c))
            {
                line.Append(c);
            }
        }
        line.Append('"');
    }
}
