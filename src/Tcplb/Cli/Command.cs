using Tcplb.Configuration;

namespace Tcplb.Cli;

/// <summary>What the command line asks for.</summary>
internal abstract record Command
{
    public sealed record Run(Settings Settings) : Command;

    /// <summary><c>--validate</c>: check everything <see cref="Run"/> would start with, then exit.</summary>
    public sealed record Validate(Settings Settings) : Command;

    public sealed record Help : Command;
    public sealed record Version : Command;
    public sealed record Probe(string Address) : Command;
}
