using System.Net.Sockets;

namespace Tcplb.Configuration;

/// <summary>
/// An exception a user meets, in words. The Native AOT build sets <c>UseSystemResourceKeys</c> (a smaller
/// binary), so the runtime's own messages are resource keys such as <c>UnauthorizedAccess_IODenied_Path</c>:
/// they must never reach a user. Files and sockets say what went wrong through their type, their error code or
/// errno; this reads those.
/// </summary>
internal static class ErrorText
{
    /// <param name="path">The file or directory the operation was on, if any: a directory where a file was expected is said so.</param>
    public static string Of(Exception error, string? path = null) => error switch
    {
        _ when path is not null && Directory.Exists(path) => "is a directory",
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such directory",
        PathTooLongException => "path too long",
        UnauthorizedAccessException => "permission denied",
        SocketException socket => Of(socket.SocketErrorCode),
        IOException io => OfErrno(io.HResult) ?? "input/output error",
        _ => "unexpected " + error.GetType().Name,
    };

    /// <summary>A socket error in words: <c>AddressAlreadyInUse</c> reads "address already in use".</summary>
    public static string Of(SocketError error) => error switch
    {
        SocketError.AccessDenied => "permission denied",
        SocketError.AddressNotAvailable => "address not available (not an address of this machine)",
        SocketError.AddressFamilyNotSupported => "address family not supported (IPv6 disabled?)",
        SocketError.TooManyOpenSockets => "too many open files",
        _ => Words(error.ToString()),
    };

    /// <summary>The common errno values .NET passes in an <see cref="IOException"/>'s HResult on Unix.</summary>
    private static string? OfErrno(int errno) => errno switch
    {
        1 or 13 => "permission denied",
        2 => "no such file",
        5 => "input/output error",
        17 => "file exists",
        20 => "not a directory",
        21 => "is a directory",
        23 or 24 => "too many open files",
        28 => "no space left on device",
        30 => "read-only file system",
        36 => "file name too long",
        40 => "too many levels of symbolic links",
        _ => null,
    };

    /// <summary><c>ConnectionRefused</c> → "connection refused".</summary>
    private static string Words(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
