using System.IO.Enumeration;

namespace Tcplb.Infrastructure;

/// <summary>
/// Process figures that cost nothing to read: resident memory and open descriptors (Linux /proc), of this process
/// (<c>self</c>) or of another by its id (a worker process, read by the first).
/// </summary>
internal static class ProcessFigures
{
    private static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>Resident set size in bytes, from the second field of /proc/PID/statm; 0 where unavailable.</summary>
    public static long ResidentBytes(string process = "self")
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{process}/statm").Split(' ');
            return fields.Length > 1 && long.TryParse(fields[1], out var pages) ? pages * PageSize : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Resident bytes that belong to the process alone (Private_Clean + Private_Dirty of /proc/PID/smaps_rollup):
    /// what a worker process adds to the first one, whose pages of the executable and libc it shares.
    /// </summary>
    public static long PrivateResidentBytes(string process = "self")
    {
        try
        {
            var total = 0L;
            foreach (var line in File.ReadLines($"/proc/{process}/smaps_rollup"))
            {
                if (line.StartsWith("Private_", StringComparison.Ordinal) && long.TryParse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), out var kib))
                {
                    total += kib * 1024;
                }
            }
            return total;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Open file descriptors (sockets included); 0 where unavailable.</summary>
    public static int OpenDescriptors(string process = "self")
    {
        try
        {
            // Counted without a string per entry: a scrape must not allocate per open connection.
            var entries = new FileSystemEnumerable<bool>($"/proc/{process}/fd", static (ref FileSystemEntry _) => true);
            var count = 0;
            foreach (var _ in entries)
            {
                count++;
            }
            return count;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
