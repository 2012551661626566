namespace Tcplb.Tests.Support;

/// <summary>Tests that measure the whole process (allocations, thousands of descriptors) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NonParallel
{
    public const string Name = "non-parallel";
}
