using Tcplb.Infrastructure;

namespace Tcplb.SharedState;

/// <summary>
/// A spin lock on a word of the shared table, for sections of a few dozen instructions (a health transition,
/// a client entry). The word holds the owner's process id, so that a worker killed while holding it does not
/// stop the others: a waiter that has spun long checks the owner, and takes the lock over when it has ended.
/// </summary>
internal static unsafe class SharedLock
{
    private const int SpinsBeforeOwnerCheck = 200;
    private static readonly int Self = Environment.ProcessId;

    public static void Enter(int* word)
    {
        var spinner = new SpinWait();
        var spins = 0;
        while (true)
        {
            var owner = Interlocked.CompareExchange(ref *word, Self, 0);
            if (owner == 0)
            {
                return;
            }
            if (++spins % SpinsBeforeOwnerCheck == 0 && owner != Self && SharedMemory.HasEnded(owner) &&
                Interlocked.CompareExchange(ref *word, Self, owner) == owner)
            {
                return;
            }
            spinner.SpinOnce();
        }
    }

    public static void Exit(int* word) => Volatile.Write(ref *word, 0);

    /// <summary>Frees the lock if process <paramref name="pid"/> (a worker that died) holds it.</summary>
    public static void ReleaseHeldBy(int* word, int pid) => Interlocked.CompareExchange(ref *word, 0, pid);

    /// <summary>Holds the lock for a <c>using</c> block.</summary>
    public static Scope Hold(int* word)
    {
        Enter(word);
        return new Scope(word);
    }

    public readonly ref struct Scope(int* word)
    {
        public void Dispose() => Exit(word);
    }
}
