using Tcplb.Configuration;
using Tcplb.Infrastructure;

namespace Tcplb.Tests.Support;

/// <summary>A log on a fake clock that writes into a string, for tests that read what was logged.</summary>
internal sealed class FakeLog
{
    public FakeLog() => Log = new Log(Text, LogLevel.Debug, Time);

    public FakeTimeProvider Time { get; } = new();

    public StringWriter Text { get; } = new();

    public Log Log { get; }

    public override string ToString() => Text.ToString();
}
