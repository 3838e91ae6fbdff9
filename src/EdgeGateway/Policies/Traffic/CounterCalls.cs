namespace EdgeGateway.Policies.Traffic;

/// <summary>
/// What rate-limit, quota and their by-key forms share around the counter store: the refusal a store that cannot be
/// reached and is set to refuse turns into (503 through onError, as any policy error), and the Retry-After headers of a refusal.
/// </summary>
internal static class CounterCalls
{
    public const string Unavailable = "The gateway cannot reach the store of its rate-limit and quota counters, and is set to refuse requests meanwhile.";

    /// <summary>The 503 of a counter store set to refuse while it cannot answer; the outage itself is logged once by the store's link.</summary>
    public static PolicyResult StoreUnavailable(PolicyRun run, string type, PolicyServices services)
    {
        TrafficLog.StoreUnavailable(services.Logger, type);
        return run.Fail(new PolicyError(type, "CounterStoreUnavailable", Unavailable, StatusCodes.Status503ServiceUnavailable));
    }

    /// <summary>Whole seconds as APIM writes a renewal wait: <c>hh:mm:ss</c> (days as hours beyond 24).</summary>
    public static string Clock(int seconds) =>
        $"{seconds / 3600:00}:{seconds / 60 % 60:00}:{seconds % 60:00}";
}
