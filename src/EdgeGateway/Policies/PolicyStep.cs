namespace EdgeGateway.Policies;

/// <summary>One compiled policy of a section: built once per snapshot, applied per request without lookups or parsing.</summary>
internal abstract class PolicyStep
{
    /// <summary>Applies the policy to the request's run. Synchronous: none of the enforced policies waits on I/O.</summary>
    public abstract PolicyResult Apply(PolicyRun run);
}

/// <summary>What a step tells the pipeline: go on, stop because the step answered (return-response), or fail into onError.</summary>
internal enum PolicyResult
{
    Continue,
    Responded,
    Failed,
}
