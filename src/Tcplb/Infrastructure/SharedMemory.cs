using System.Runtime.InteropServices;

namespace Tcplb.Infrastructure;

/// <summary>
/// Memory that several processes map (Linux <c>memfd_create</c> + <c>ftruncate</c> + <c>mmap(MAP_SHARED)</c>):
/// the first worker process makes it and its workers inherit the descriptor, as nginx's shared zones. The file
/// starts as zeros and its pages take memory only when first touched.
/// </summary>
internal static partial class SharedMemory
{
    private const int ProtRead = 0x1;
    private const int ProtWrite = 0x2;
    private const int MapShared = 0x01;
    private const uint MemfdCloexec = 0x1;
    private const int NoSuchProcess = 3; // ESRCH
    private static readonly nint MapFailed = -1;

    /// <summary>A new zero-filled shared file of <paramref name="bytes"/>, close-on-exec (inherited only when asked); throws when refused.</summary>
    public static int Create(long bytes)
    {
        var descriptor = MemfdCreate("tcplb-state", MemfdCloexec);
        if (descriptor < 0)
        {
            throw new IOException($"memfd_create failed (errno {Marshal.GetLastPInvokeError()})");
        }
        if (Ftruncate(descriptor, bytes) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = Close(descriptor);
            throw new IOException($"ftruncate of the shared state to {bytes} bytes failed (errno {errno})");
        }
        return descriptor;
    }

    /// <summary>Maps <paramref name="bytes"/> of the shared file <paramref name="descriptor"/>, readable and writable.</summary>
    public static unsafe byte* Map(int descriptor, long bytes)
    {
        var address = Mmap(0, (nuint)bytes, ProtRead | ProtWrite, MapShared, descriptor, 0);
        if (address == MapFailed)
        {
            throw new IOException($"mmap of the shared state ({bytes} bytes) failed (errno {Marshal.GetLastPInvokeError()})");
        }
        return (byte*)address;
    }

    /// <summary>The size of the shared file behind <paramref name="descriptor"/>, for a worker that maps what its parent made.</summary>
    public static long SizeOf(int descriptor)
    {
        var end = Lseek(descriptor, 0, 2); // SEEK_END
        return end < 0 ? throw new IOException($"descriptor {descriptor} is not the shared state (errno {Marshal.GetLastPInvokeError()})") : end;
    }

    /// <summary>Whether process <paramref name="pid"/> has ended (a zombie not yet reaped still counts as alive).</summary>
    public static bool HasEnded(int pid) => Kill(pid, 0) < 0 && Marshal.GetLastPInvokeError() == NoSuchProcess;

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int Ftruncate(int descriptor, long length);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long Lseek(int descriptor, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
