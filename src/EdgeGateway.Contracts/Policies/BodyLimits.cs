namespace EdgeGateway.Contracts.Policies;

/// <summary>How much of a body the body policies (set-body, find-and-replace) handle: one number for both planes.</summary>
public static class BodyLimits
{
    /// <summary>The most a body policy buffers or produces: 1 MiB.</summary>
    public const int MaxBytes = 1024 * 1024;
}
