using EchoServer;

// echo-server PORT [--name NAME] [--http]: the test backend for tcplb.
if (!EchoOptions.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine($"echo-server: {error}");
    Console.Error.WriteLine(EchoOptions.Usage);
    return 2;
}

using var server = new EchoListener(options);
try
{
    server.Start();
}
catch (System.Net.Sockets.SocketException e)
{
    Console.Error.WriteLine($"echo-server: cannot listen on port {options.Port}: {e.Message}");
    return 1;
}

Console.Error.WriteLine($"echo-server: {options.Name} listening on port {server.Port} ({(options.Http ? "http" : "raw")})");
using var stop = new ManualResetEventSlim();
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Set(); });
using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Set(); });
stop.Wait();
return 0;
