namespace EchoServer;

/// <summary>Command line of the echo server: <c>PORT [--name NAME] [--http]</c>.</summary>
internal sealed record EchoOptions(int Port, string Name, bool Http)
{
    public const string Usage = "usage: echo-server PORT [--name NAME] [--http]";

    public static bool TryParse(string[] args, out EchoOptions options, out string error)
    {
        options = new EchoOptions(0, "", false);
        int? port = null;
        string? name = null;
        var http = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--http":
                    http = true;
                    break;
                case "--name" when i + 1 < args.Length:
                    name = args[++i];
                    break;
                case "--name":
                    error = "--name needs a value";
                    return false;
                default:
                    if (port is not null || !int.TryParse(args[i], out var p) || p is < 0 or > 65535)
                    {
                        error = $"unexpected argument '{args[i]}'";
                        return false;
                    }
                    port = p;
                    break;
            }
        }
        if (port is null)
        {
            error = "missing PORT";
            return false;
        }
        options = new EchoOptions(port.Value, name ?? $"echo-{port}", http);
        error = "";
        return true;
    }
}
