using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Tcplb.Configuration;
using Tcplb.Tests.Support;

namespace Tcplb.Tests.Configuration;

public partial class ErrorTextTests
{
    /// <summary>A runtime resource key, as <c>UseSystemResourceKeys</c> leaves in exception messages: <c>UnauthorizedAccess_IODenied_Path</c>.</summary>
    [GeneratedRegex(@"\b[A-Z][A-Za-z]*_[A-Z][A-Za-z_]*\b")]
    public static partial Regex ResourceKey();

    [Fact]
    public void Of_ReadingADirectory_SaysIsADirectory()
    {
        using var dir = new TempDirectory();
        var error = Record.Exception(() => File.ReadAllText(dir.Path))!;
        Assert.Equal("is a directory", ErrorText.Of(error, dir.Path));
    }

    [Fact]
    public void Of_MissingFileOrDirectory_SaysSo()
    {
        using var dir = new TempDirectory();
        var missingFile = Path.Combine(dir.Path, "hosts");
        Assert.Equal("no such file", ErrorText.Of(Record.Exception(() => File.ReadAllText(missingFile))!, missingFile));
        var missingDir = Path.Combine(dir.Path, "gone", "hosts");
        Assert.Equal("no such directory", ErrorText.Of(Record.Exception(() => File.ReadAllText(missingDir))!, missingDir));
    }

    [Fact]
    public void Of_AccessDenied_SaysPermissionDenied()
    {
        Assert.Equal("permission denied", ErrorText.Of(new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path")));
        Assert.Equal("permission denied", ErrorText.Of(new IOException("IO_SharingViolation_File", 13)));
        Assert.Equal("no space left on device", ErrorText.Of(new IOException("IO_DiskFull", 28)));
    }

    [Fact]
    public void Of_SocketErrors_AreWords()
    {
        using var taken = TcplbProcess.Listening(IPAddress.Loopback);
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var inUse = Assert.Throws<SocketException>(() => second.Bind(taken.LocalEndPoint!));
        Assert.Equal("address already in use", ErrorText.Of(inUse));

        using var foreign = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var notLocal = Assert.Throws<SocketException>(() => foreign.Bind(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 0)));
        Assert.Equal("address not available (not an address of this machine)", ErrorText.Of(notLocal));
        Assert.Equal("connection refused", ErrorText.Of(SocketError.ConnectionRefused));
    }

    [Fact]
    public void Of_NeverGivesAResourceKey()
    {
        Exception[] errors =
        [
            new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path"), new IOException("IO_FileExists_Name", 17),
            new FileNotFoundException("IO_FileNotFound_FileName"), new SocketException((int)SocketError.AccessDenied),
            new InvalidOperationException("InvalidOperation_EnumFailedVersion"),
        ];
        foreach (var error in errors)
        {
            Assert.DoesNotMatch(ResourceKey(), ErrorText.Of(error));
        }
    }
}
