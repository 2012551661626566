using Tcplb.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Net;

/// <summary>
/// Hostile bytes never make the parser throw, read out of bounds or report what is not there: seeded random
/// hellos of every shape, mutated (bytes flipped, lengths forged, cut, spliced), and random bytes that start
/// like a TLS record.
/// </summary>
public class ClientHelloFuzzTests
{
    [Fact]
    public void MutatedHellos_NeverThrow_AndAgreeWithTheCheck()
    {
        var random = new Random(20261129);
        for (var i = 0; i < 20_000; i++)
        {
            var hello = RandomHello(random);
            var bytes = Mutate(hello.Build(fragment: random.Next(4) == 0 ? random.Next(1, 600) : 16384), random);
            Assert.True(Agrees(bytes), $"case {i}: {Convert.ToHexString(bytes)}");
        }
    }

    [Fact]
    public void UnmutatedHellos_OfEveryShape_GiveTheirName()
    {
        var random = new Random(7);
        Span<char> name = stackalloc char[ClientHello.MaxNameLength];
        for (var i = 0; i < 2_000; i++)
        {
            var hello = RandomHello(random);
            var bytes = hello.Build(fragment: random.Next(300, 16385));
            var status = ClientHello.Read(bytes, name, out var length);
            Assert.Equal((HelloStatus.Complete, hello.ServerName ?? ""), (status, new string(name[..length])));
        }
    }

    [Fact]
    public void RandomBytesThatLookLikeARecord_NeverThrow()
    {
        var random = new Random(99);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 2000)];
            random.NextBytes(bytes);
            if (bytes.Length > 5)
            {
                (bytes[0], bytes[1], bytes[2], bytes[5]) = (22, 3, (byte)random.Next(5), 1);
            }
            Assert.True(Agrees(bytes), Convert.ToHexString(bytes));
        }
    }

    /// <summary>
    /// Read and Check run without throwing; a name is only ever a host name, and none comes with an invalid
    /// hello; Check, which looks at lengths only, agrees with Read: what Read calls complete or incomplete,
    /// Check does too (Check may call a malformed hello complete, never a complete one incomplete).
    /// </summary>
    private static bool Agrees(byte[] bytes)
    {
        Span<char> name = stackalloc char[ClientHello.MaxNameLength];
        var status = ClientHello.Read(bytes, name, out var length);
        var check = ClientHello.Check(bytes);
        foreach (var c in name[..length])
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }
        return status switch
        {
            HelloStatus.Complete => check == HelloStatus.Complete,
            HelloStatus.Incomplete => check == HelloStatus.Incomplete,
            _ => length == 0,
        };
    }

    private static ClientHelloBuilder RandomHello(Random random) => new()
    {
        ServerName = random.Next(5) == 0 ? null : $"h{random.Next(1000)}.example{random.Next(3)}.com",
        Tls13 = random.Next(2) == 0,
        Grease = random.Next(2) == 0,
        ExtraExtensions = random.Next(4) == 0 ? random.Next(0, 200) : 0,
        SessionTicket = random.Next(6) == 0 ? random.Next(1, 30_000) : 0,
        EncryptedClientHello = random.Next(4) == 0,
        Seed = random.Next(),
    };

    private static byte[] Mutate(byte[] bytes, Random random)
    {
        var list = bytes.ToList();
        for (var n = random.Next(0, 4); n > 0 && list.Count > 0; n--)
        {
            var at = random.Next(list.Count);
            switch (random.Next(5))
            {
                case 0:
                    list[at] ^= (byte)(1 << random.Next(8)); // a flipped bit
                    break;
                case 1:
                    list[at] = (byte)(random.Next(2) == 0 ? 0xFF : 0x00); // a forged length byte
                    break;
                case 2:
                    list.RemoveRange(at, list.Count - at); // cut short
                    break;
                case 3:
                    list.InsertRange(at, Enumerable.Repeat((byte)random.Next(256), random.Next(1, 50)));
                    break;
                default:
                    list.RemoveRange(at, Math.Min(random.Next(1, 50), list.Count - at));
                    break;
            }
        }
        return [.. list];
    }
}
