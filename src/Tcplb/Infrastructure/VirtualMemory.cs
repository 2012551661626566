using System.Runtime.InteropServices;

namespace Tcplb.Infrastructure;

/// <summary>
/// Address space reserved from the kernel without committing memory (Linux <c>mmap</c> with
/// <c>MAP_NORESERVE</c>): a page becomes resident only when first written, and the reservation is not
/// counted against overcommit, so a million connections' worth of buffers can be reserved on a small machine.
/// </summary>
internal static partial class VirtualMemory
{
    private const int ProtRead = 0x1;
    private const int ProtWrite = 0x2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;
    private const int MapNoReserve = 0x4000;
    private static readonly nint MapFailed = -1;

    /// <summary>Reserves <paramref name="bytes"/> of zeroed, readable and writable memory; throws <see cref="OutOfMemoryException"/> when refused.</summary>
    public static unsafe byte* Reserve(long bytes)
    {
        var address = Mmap(0, (nuint)bytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous | MapNoReserve, -1, 0);
        if (address == MapFailed)
        {
            throw new OutOfMemoryException($"mmap of {bytes} bytes refused (errno {Marshal.GetLastPInvokeError()})");
        }
        return (byte*)address;
    }

    public static unsafe void Release(byte* address, long bytes) => _ = Munmap((nint)address, (nuint)bytes);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint address, nuint length);
}
