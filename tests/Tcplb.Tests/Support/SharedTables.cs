using Tcplb.SharedState;

namespace Tcplb.Tests.Support;

/// <summary>Two views of one shared state table, as two worker processes map it: what one writes, the other reads.</summary>
internal static class SharedTables
{
    public static (StateTable First, StateTable Second) TwoWorkers(int clients = 64, int rates = 64)
    {
        var first = StateTable.Create(2, clients, createdAt: 1, shareable: true, rates);
        return (first, StateTable.Attach(first.Descriptor, 1));
    }
}
