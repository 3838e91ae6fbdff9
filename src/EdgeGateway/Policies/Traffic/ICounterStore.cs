namespace EdgeGateway.Policies.Traffic;

/// <summary>
/// Where rate-limit and quota counters live: this process (<see cref="LocalCounterStore"/>, the default) or Redis, shared by
/// every gateway that names the same server. Counters are fixed windows: the policy works out which window a request falls
/// in (its end, from its own clock) and the store counts per key and window, forgetting a window once it has ended.
/// </summary>
internal interface ICounterStore
{
    /// <summary>
    /// In one atomic step (at most one round trip to a shared store): adds <paramref name="amount"/> to the counter of
    /// <paramref name="key"/> for the window ending at <paramref name="windowEnd"/>, unless that would take it past
    /// <paramref name="limit"/>; without a limit it always adds. An amount of 0 reads the counter.
    /// </summary>
    /// <remarks>
    /// A shared store that cannot answer and is set to refuse returns <see cref="CounterResult.StoreUnavailable"/> (not an
    /// exception: while Redis is down in closed mode that is every request, and throwing per request is costly); the policy
    /// answers 503. Any other failure falls back to counting in this process.
    /// </remarks>
    ValueTask<CounterResult> AddAsync(string key, DateTimeOffset windowEnd, long amount, long? limit);
}

/// <summary>
/// What a counter holds after <see cref="ICounterStore.AddAsync"/>: whether the amount was added, and the count then; or
/// <see cref="Unavailable"/>: the shared store could not answer and <c>RateLimit:Redis:FailureMode</c> is <c>closed</c>, so
/// the request is refused with 503 (nothing was counted).
/// </summary>
internal readonly record struct CounterResult(bool Added, long Count, bool Unavailable = false)
{
    /// <summary>The store could not answer and is set to refuse.</summary>
    public static CounterResult StoreUnavailable => new(false, 0, true);
}
