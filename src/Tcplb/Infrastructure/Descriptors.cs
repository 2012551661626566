using System.Runtime.InteropServices;

namespace Tcplb.Infrastructure;

/// <summary>
/// Whether a file descriptor survives into programs this process starts. .NET opens every descriptor
/// close-on-exec; a worker process is given its listening socket by clearing that flag on it alone, for the
/// moment of the start.
/// </summary>
internal static partial class Descriptors
{
    private const int GetDescriptorFlags = 1;
    private const int SetDescriptorFlags = 2;
    private const int CloseOnExec = 1;

    /// <summary>Lets <paramref name="descriptor"/> be inherited until the returned scope ends.</summary>
    public static InheritScope Inherit(SafeHandle handle) => new(handle);

    internal readonly ref struct InheritScope
    {
        private readonly SafeHandle _handle;

        public InheritScope(SafeHandle handle)
        {
            _handle = handle;
            Set(handle, inherit: true);
        }

        public int Descriptor => (int)_handle.DangerousGetHandle();

        public void Dispose() => Set(_handle, inherit: false);
    }

    private static void Set(SafeHandle handle, bool inherit)
    {
        var descriptor = (int)handle.DangerousGetHandle();
        var flags = Fcntl(descriptor, GetDescriptorFlags, 0);
        if (flags < 0 || Fcntl(descriptor, SetDescriptorFlags, inherit ? flags & ~CloseOnExec : flags | CloseOnExec) < 0)
        {
            throw new IOException($"fcntl on descriptor {descriptor} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int descriptor, int command, int argument);
}
