using System.Buffers.Binary;
using System.Text;

namespace Tcplb.Tests.Support;

/// <summary>
/// TLS ClientHellos shaped as real stacks send them (RFC 8446 §4.1.2; TLS 1.2 per RFC 5246), for the parser's
/// tests and the routing tests: a TLS 1.3 or 1.2 hello, optionally with GREASE (RFC 8701), many extensions,
/// a large session ticket or pre-shared key, an outer Encrypted Client Hello extension, split into records.
/// </summary>
internal sealed class ClientHelloBuilder
{
    public string? ServerName { get; init; } = "api.example.com";
    public bool Tls13 { get; init; } = true;
    public bool Grease { get; init; }
    public int ExtraExtensions { get; init; }

    /// <summary>Bytes of session ticket (TLS 1.2) or pre-shared key identity (TLS 1.3); 0 for none.</summary>
    public int SessionTicket { get; init; }

    public bool EncryptedClientHello { get; init; }

    /// <summary>A TLS 1.2 hello that ends after its compression methods, as extensions are optional there.</summary>
    public bool NoExtensions { get; init; }

    /// <summary>Makes random parts (random, key share, GREASE values) vary; the structure stays.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The hello in records of at most <paramref name="fragment"/> bytes each (16384, the TLS maximum, by default).</summary>
    public byte[] Build(int fragment = 16384) => Records(Message(), fragment);

    /// <summary>Handshake bytes cut into handshake records (type 22, version 3.1 as clients write the first one).</summary>
    public static byte[] Records(byte[] handshake, int fragment)
    {
        var records = new MemoryStream();
        for (var at = 0; at < handshake.Length; at += fragment)
        {
            var length = Math.Min(fragment, handshake.Length - at);
            records.Write([22, 3, 1, (byte)(length >> 8), (byte)length]);
            records.Write(handshake, at, length);
        }
        return records.ToArray();
    }

    /// <summary>The handshake message: type 1, a 24-bit length, the body.</summary>
    public byte[] Message()
    {
        var random = new Random(Seed);
        var body = new MemoryStream();
        body.Write([3, 3]); // legacy_version 1.2
        body.Write(Bytes(random, 32));
        body.WriteByte(32);
        body.Write(Bytes(random, 32)); // legacy_session_id, as TLS 1.3 clients in middlebox compatibility mode send
        var suites = new List<ushort> { 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xcca9 };
        if (Grease)
        {
            suites.Insert(0, GreaseValue(random));
        }
        WriteVector(body, 2, Concat(suites.Select(s => U16(s))));
        body.Write([1, 0]); // compression: null
        if (!NoExtensions)
        {
            WriteVector(body, 2, Concat(Extensions(random)));
        }
        var message = new byte[4 + body.Length];
        message[0] = 1;
        message[1] = (byte)(body.Length >> 16);
        message[2] = (byte)(body.Length >> 8);
        message[3] = (byte)body.Length;
        body.ToArray().CopyTo(message, 4);
        return message;
    }

    private IEnumerable<byte[]> Extensions(Random random)
    {
        if (Grease)
        {
            yield return Extension(GreaseValue(random), []);
        }
        if (ServerName is not null)
        {
            var name = Encoding.Latin1.GetBytes(ServerName); // one byte a character, whatever it is
            yield return Extension(0, Vector(2, [0, .. U16((ushort)name.Length), .. name]));
        }
        yield return Extension(23, []); // extended_master_secret
        yield return Extension(65281, [0]); // renegotiation_info
        yield return Extension(10, Vector(2, [.. U16(0x001d), .. U16(0x0017), .. U16(0x0018)])); // supported_groups
        yield return Extension(11, Vector(1, [0])); // ec_point_formats
        yield return Extension(16, Vector(2, [2, .. "h2"u8, 8, .. "http/1.1"u8])); // ALPN
        yield return Extension(13, Vector(2, [.. U16(0x0403), .. U16(0x0804), .. U16(0x0401)])); // signature_algorithms
        for (var i = 0; i < ExtraExtensions; i++)
        {
            yield return Extension((ushort)(0x3000 + i), Bytes(random, random.Next(0, 40)));
        }
        if (EncryptedClientHello)
        {
            // Outer ECH (draft-ietf-tls-esni): type outer, HPKE suite, config id, enc, encrypted inner hello.
            yield return Extension(0xfe0d, [0, 0, 1, 0, 1, 7, .. Vector(2, Bytes(random, 32)), .. Vector(2, Bytes(random, 200))]);
        }
        if (Tls13)
        {
            yield return Extension(43, Vector(1, [.. U16(0x0304), .. U16(0x0303)])); // supported_versions
            yield return Extension(45, Vector(1, [1])); // psk_key_exchange_modes: psk_dhe_ke
            yield return Extension(51, Vector(2, [.. U16(0x001d), .. Vector(2, Bytes(random, 32))])); // key_share
        }
        else if (SessionTicket > 0)
        {
            yield return Extension(35, Bytes(random, SessionTicket)); // session_ticket
        }
        if (Grease)
        {
            yield return Extension(GreaseValue(random), [0]);
        }
        if (Tls13 && SessionTicket > 0)
        {
            // pre_shared_key, last as RFC 8446 §4.2.11 requires: one identity (the ticket) and its binder.
            byte[] identity = [.. Vector(2, Bytes(random, SessionTicket)), 0, 0, 0, 0];
            yield return Extension(41, [.. Vector(2, identity), .. Vector(2, Vector(1, Bytes(random, 32)))]);
        }
    }

    private static byte[] Extension(ushort type, byte[] data) => [.. U16(type), .. Vector(2, data)];

    private static byte[] Vector(int lengthBytes, byte[] data) =>
        lengthBytes == 1 ? [(byte)data.Length, .. data] : [.. U16((ushort)data.Length), .. data];

    private static void WriteVector(Stream stream, int lengthBytes, byte[] data) => stream.Write(Vector(lengthBytes, data));

    private static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Concat(IEnumerable<byte[]> parts) => [.. parts.SelectMany(p => p)];

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>One of the sixteen GREASE values 0x0A0A, 0x1A1A, ..., 0xFAFA.</summary>
    private static ushort GreaseValue(Random random)
    {
        var nibble = random.Next(16);
        return (ushort)(nibble << 12 | 0xA << 8 | nibble << 4 | 0xA);
    }
}
