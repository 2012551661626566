using System.Text;
using Tcplb.Net;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Net;

public class ClientHelloTests
{
    /// <summary>Where a built hello's extensions length is: after the record and handshake headers, version, random,
    /// a 32-byte session id, six cipher suites and one compression method.</summary>
    private const int ExtensionsLengthAt = 5 + 4 + 2 + 32 + 33 + 14 + 2;

    /// <summary>Reads <paramref name="held"/>; returns the status and the name found ("" for none).</summary>
    private static (HelloStatus Status, string Name) Read(ReadOnlySpan<byte> held)
    {
        Span<char> name = stackalloc char[ClientHello.MaxNameLength];
        var status = ClientHello.Read(held, name, out var length);
        return (status, new string(name[..length]));
    }

    private static readonly Dictionary<string, ClientHelloBuilder> ShapesByName = new()
    {
        ["TLS 1.3"] = new(),
        ["TLS 1.2"] = new() { Tls13 = false },
        ["GREASE"] = new() { Grease = true },
        ["many extensions"] = new() { ExtraExtensions = 300 },
        ["huge TLS 1.3 ticket"] = new() { SessionTicket = 40_000 },
        ["huge TLS 1.2 ticket"] = new() { Tls13 = false, SessionTicket = 20_000 },
        ["Encrypted Client Hello"] = new() { EncryptedClientHello = true, ServerName = "public.example.com" },
    };

    public static TheoryData<string> Shapes => [.. ShapesByName.Keys];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Read_WholeHello_FindsTheName(string shape)
    {
        var hello = ShapesByName[shape];
        var bytes = hello.Build();
        Assert.Equal((HelloStatus.Complete, hello.ServerName!), Read(bytes));
        Assert.Equal(HelloStatus.Complete, ClientHello.Check(bytes));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(512)]
    public void Read_HelloSplitIntoSmallRecords_FindsTheName(int fragment)
    {
        var bytes = new ClientHelloBuilder { Grease = true }.Build(fragment);
        var expected = bytes.Length / (fragment + 5) < HandshakeReader.MaxRecords ? HelloStatus.Complete : HelloStatus.Invalid;
        Assert.Equal(expected, Read(bytes).Status);
        if (expected == HelloStatus.Complete)
        {
            Assert.Equal("api.example.com", Read(bytes).Name);
        }
    }

    [Fact]
    public void Read_FollowedByMoreBytes_ReadsTheHelloAlone() =>
        Assert.Equal((HelloStatus.Complete, "api.example.com"), Read([.. new ClientHelloBuilder().Build(), 23, 3, 3, 0, 1, 42]));

    [Theory]
    [InlineData(null, "")]
    [InlineData("API.Example.COM", "api.example.com")]
    [InlineData("api.example.com.", "api.example.com")]
    [InlineData("x_y-1.test", "x_y-1.test")]
    public void Read_Name_IsLowerCaseWithoutTrailingDot(string? sent, string found) =>
        Assert.Equal((HelloStatus.Complete, found), Read(new ClientHelloBuilder { ServerName = sent }.Build()));

    [Fact]
    public void Read_Tls12HelloWithoutExtensions_IsCompleteWithoutName() =>
        Assert.Equal((HelloStatus.Complete, ""), Read(new ClientHelloBuilder { Tls13 = false, NoExtensions = true }.Build()));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Read_TruncatedAtEveryByte_IsIncomplete_WithTheNameOnceItIsHeld(string shape)
    {
        var hello = ShapesByName[shape];
        var bytes = hello.Build();
        var nameEnd = IndexAfter(bytes, Encoding.ASCII.GetBytes(hello.ServerName!));
        var step = bytes.Length > 5000 ? 97 : 1; // the huge ones at a prime stride, and around the name below
        for (var held = 0; held < bytes.Length; held += held > nameEnd - 40 && held < nameEnd + 40 ? 1 : step)
        {
            var (status, name) = Read(bytes.AsSpan(0, held));
            Assert.Equal(HelloStatus.Incomplete, status);
            Assert.Equal(held >= nameEnd ? hello.ServerName : "", name);
            Assert.Equal(HelloStatus.Incomplete, ClientHello.Check(bytes.AsSpan(0, held)));
        }
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n")]
    [InlineData("\u0080\u0046\u0001\u0003\u0001")] // an SSLv2-compatible hello
    [InlineData("\u0017\u0003\u0003\u0000\u0005hello")] // application data
    [InlineData("\u0016\u0002\u0000")] // version 2.0 record
    public void Read_OtherProtocols_AreInvalidFromTheirFirstBytes(string first)
    {
        var bytes = Encoding.Latin1.GetBytes(first);
        Assert.Equal(HelloStatus.Invalid, Read(bytes).Status);
        Assert.Equal(HelloStatus.Invalid, ClientHello.Check(bytes.AsSpan(0, Math.Min(bytes.Length, 2))));
    }

    [Theory]
    [InlineData("record of length 0", 3, 0, 0)]
    [InlineData("record over 2^14", 3, 0x40, 0x01)]
    [InlineData("server hello, not client hello", 5, 2, -1)]
    [InlineData("session id of 33 bytes", 43, 33, -1)]
    [InlineData("odd cipher suites length", 77, 13, -1)]
    [InlineData("no compression method", 90, 0, -1)]
    public void Read_ForgedLengthsAndValues_AreInvalid(string what, int at, int value, int next)
    {
        var bytes = new ClientHelloBuilder().Build();
        Assert.Equal(32, bytes[43]); // the session id length, where the tests expect it
        Assert.Equal(12, bytes[77]);
        Assert.Equal(1, bytes[90]);
        bytes[at] = (byte)value;
        if (next >= 0)
        {
            bytes[at + 1] = (byte)next;
        }
        Assert.Equal((HelloStatus.Invalid, ""), Read(bytes));
        Assert.True(what.Length > 0);
    }

    [Fact]
    public void Read_LengthsPastTheEnd_AreInvalid_NotAWaitForBytesThatCannotBelong()
    {
        var bytes = new ClientHelloBuilder().Build();
        Assert.Equal(bytes.Length - ExtensionsLengthAt - 2, bytes[ExtensionsLengthAt] << 8 | bytes[ExtensionsLengthAt + 1]);
        bytes[ExtensionsLengthAt] ^= 0x40; // extensions longer than the hello
        Assert.Equal(HelloStatus.Invalid, Read(bytes).Status);
    }

    [Fact]
    public void Read_TwoServerNameExtensions_AreInvalid()
    {
        var single = new ClientHelloBuilder().Message();
        byte[] second = [0, 0, 0, 12, 0, 10, 0, 0, 7, .. "b.x.com"u8];
        var doubled = WithExtension(single, second);
        Assert.Equal((HelloStatus.Invalid, ""), Read(ClientHelloBuilder.Records(doubled, 16384)));
    }

    [Theory]
    [InlineData("bad name!")]
    [InlineData("caf\u00e9.example")]
    public void Read_NameWithBytesNoHostNameHas_IsInvalid(string name) =>
        Assert.Equal((HelloStatus.Invalid, ""), Read(new ClientHelloBuilder { ServerName = name }.Build()));

    [Fact]
    public void Read_MoreRecordsThanAnyClientSends_IsInvalid() =>
        Assert.Equal(HelloStatus.Invalid, Read(new ClientHelloBuilder().Build(fragment: 1)).Status);

    /// <summary>The index just past the first occurrence of <paramref name="part"/>.</summary>
    private static int IndexAfter(byte[] bytes, byte[] part) => bytes.AsSpan().IndexOf(part) + part.Length;

    /// <summary>The hello message with one more extension at the end of its list (lengths adjusted).</summary>
    private static byte[] WithExtension(byte[] message, byte[] extension)
    {
        const int at = ExtensionsLengthAt - 5; // in the message, without the record header
        byte[] bytes = [.. message, .. extension];
        var body = bytes.Length - 4;
        (bytes[1], bytes[2], bytes[3]) = ((byte)(body >> 16), (byte)(body >> 8), (byte)body);
        var list = (message[at] << 8 | message[at + 1]) + extension.Length;
        (bytes[at], bytes[at + 1]) = ((byte)(list >> 8), (byte)list);
        return bytes;
    }
}
