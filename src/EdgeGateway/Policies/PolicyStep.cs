namespace EdgeGateway.Policies;

/// <summary>One compiled policy of a section: built once per snapshot, applied per request without lookups or parsing.</summary>
internal abstract class PolicyStep
{
    /// <summary>Applies the policy to the request's run, without waiting on anything.</summary>
    public abstract PolicyResult Apply(PolicyRun run);

    /// <summary>
    /// Applies a policy that may wait on I/O (validate-jwt fetching keys, a shared counter). Most steps never wait: the
    /// default completes synchronously, so a pipeline of such steps allocates no task.
    /// </summary>
    public virtual ValueTask<PolicyResult> ApplyAsync(PolicyRun run) => new(Apply(run));
}

/// <summary>What a step tells the pipeline: go on, stop because the step answered (return-response), or fail into onError.</summary>
internal enum PolicyResult
{
    Continue,
    Responded,
    Failed,
}
