namespace EdgeGateway.Sync;

/// <summary>What one ask of the management plane came to.</summary>
internal enum PollResult
{
    /// <summary>A new revision was applied and serves now.</summary>
    Applied,

    /// <summary>The plane confirmed what is served (304, or the same revision again).</summary>
    NotModified,

    /// <summary>No answer: connection refused, reset, timed out.</summary>
    Unreachable,

    /// <summary>The plane refused the gateway token (401/403).</summary>
    Unauthorized,

    /// <summary>The gateway refused the plane's snapshot; <see cref="PollOutcome.Problem"/> is null when it is still the one refused before.</summary>
    Refused,

    /// <summary>Any other answer.</summary>
    BadAnswer,
}

/// <param name="Result">What happened.</param>
/// <param name="Problem">Why, for the failures: the error (unreachable), the problem detail (unauthorized), the refusal, the answer.</param>
/// <param name="Revision">The revision served after this answer.</param>
/// <param name="AnsweredEarly">The plane answered long before the poll's wait ran out (or no wait was asked): ask again after
/// <c>ManagementPlane:PollInterval</c>, not back to back.</param>
internal sealed record PollOutcome(PollResult Result, string? Problem = null, long? Revision = null, bool AnsweredEarly = false)
{
    public bool Failed => Result is PollResult.Unreachable or PollResult.Unauthorized or PollResult.BadAnswer;
}
