using System.Net.Sockets;
using System.Security.Cryptography;

namespace Tcplb.Tests.Support;

/// <summary>Generous waiting for asynchronous outcomes: behaviour is asserted, never timing.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static void True(Func<bool> condition, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"condition not met within {Patience.TotalSeconds}s {describe?.Invoke()}");
            }
            Thread.Sleep(10);
        }
    }

    public static async Task<T> Within<T>(Task<T> task)
    {
        var finished = await Task.WhenAny(task, Task.Delay(Patience));
        Assert.True(finished == task, $"did not finish within {Patience.TotalSeconds}s");
        return await task;
    }

    public static async Task Within(Task task)
    {
        var finished = await Task.WhenAny(task, Task.Delay(Patience));
        Assert.True(finished == task, $"did not finish within {Patience.TotalSeconds}s");
        await task;
    }
}

internal static class SocketTestExtensions
{
    /// <summary>Reads until the peer's FIN; returns everything received.</summary>
    public static async Task<byte[]> ReadToEndAsync(this Socket socket)
    {
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                return all.ToArray();
            }
            all.Write(buffer, 0, n);
        }
    }

    /// <summary>Reads until the peer's FIN and hashes what came, without keeping it.</summary>
    public static async Task<(long Length, string Sha256)> HashToEndAsync(this Socket socket)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0;
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                return (length, Convert.ToHexString(hash.GetHashAndReset()));
            }
            length += n;
            hash.AppendData(buffer, 0, n);
        }
    }

    public static async Task<byte[]> ReadExactlyAsync(this Socket socket, int count)
    {
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(filled));
            if (n == 0)
            {
                throw new EndOfStreamException($"peer closed after {filled} of {count} bytes");
            }
            filled += n;
        }
        return buffer;
    }

    /// <summary>Waits for the connection to end: true for a FIN, false for a reset or other error.</summary>
    public static async Task<bool> WaitForCloseAsync(this Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
