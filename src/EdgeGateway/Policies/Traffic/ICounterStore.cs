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
    /// <exception cref="CounterStoreUnavailableException">The shared store is unreachable and the settings say to refuse.</exception>
    ValueTask<CounterResult> AddAsync(string key, DateTimeOffset windowEnd, long amount, long? limit);
}

/// <summary>What a counter holds after <see cref="ICounterStore.AddAsync"/>: whether the amount was added, and the count then.</summary>
internal readonly record struct CounterResult(bool Added, long Count);

/// <summary>A shared counter store is unreachable and <c>RateLimit:Redis:FailureMode</c> is <c>closed</c>: the request is refused with 503.</summary>
internal sealed class CounterStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
