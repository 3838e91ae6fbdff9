using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's retry, as it applies to the gateway's own forward call: the step only marks the request (<see cref="ForwardCall.Retry"/>);
/// the attempts happen below the forwarder (<see cref="Proxy.ResilienceHandler"/>), where a response can still be thrown
/// away unseen. Its condition reads each attempt's response; the waits follow APIM's fixed, linear and exponential schedules.
/// </summary>
internal sealed class Retry(PolicyCondition condition, int count, TimeSpan interval, TimeSpan? maxInterval, TimeSpan delta,
    bool firstFastRetry, bool retryNonIdempotent) : PolicyStep
{
    public const string Type = "retry";

    public static Retry Create(PolicyAttributes a)
    {
        return new(a.RequiredCondition("condition", Sections.Outbound), // it reads context.Response: each attempt's
            a.Int("count") ?? throw new InvalidOperationException("validated retry lacks a count"),
            TimeSpan.FromSeconds(a.Int("interval") ?? 0),
            a.Int("maxInterval") is { } max ? TimeSpan.FromSeconds(max) : null,
            TimeSpan.FromSeconds(a.Int("delta") ?? 0),
            a.Bool("firstFastRetry") ?? false,
            a.Bool("retryNonIdempotent") ?? false);
    }

    /// <summary>Retries after the first attempt, at most.</summary>
    public int Count { get; } = count;

    public override PolicyResult Apply(PolicyRun run)
    {
        run.Forwarding().Retry = this;
        return PolicyResult.Continue;
    }

    /// <summary>
    /// The wait before retry <paramref name="retry"/> (1 for the first), as APIM documents it: interval alone is fixed;
    /// with delta, linear (interval + (n-1)·delta); with delta and maxInterval, exponential (interval + (2^(n-1) - 1)·delta)
    /// capped at maxInterval. firstFastRetry: the first retry does not wait. No random spread (APIM's ±20% of delta).
    /// </summary>
    public TimeSpan Delay(int retry)
    {
        if (firstFastRetry && retry == 1)
        {
            return TimeSpan.Zero;
        }

        var n = retry - 1;
        if (maxInterval is not { } cap)
        {
            return interval + delta * n;
        }

        // 2^n grows past any cap quickly: stop doubling once it is reached (and before a TimeSpan overflows).
        var wait = interval.TotalSeconds + (Math.Pow(2, Math.Min(n, 40)) - 1) * delta.TotalSeconds;
        return wait >= cap.TotalSeconds ? cap : TimeSpan.FromSeconds(wait);
    }

    /// <summary>
    /// Whether the method may be sent again: the idempotent ones (RFC 9110: GET, HEAD, OPTIONS, TRACE, PUT, DELETE) always,
    /// the others (POST, PATCH, any other) only with retryNonIdempotent.
    /// </summary>
    public bool Allows(HttpMethod method) => retryNonIdempotent || IsIdempotent(method);

    public static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace
        || method == HttpMethod.Put || method == HttpMethod.Delete;

    /// <summary>The condition on this attempt's response (what <c>context.Response</c> reads while it runs); one that cannot be evaluated (any exception) stops retrying.</summary>
    public bool ShouldRetry(PolicyRun run, HttpResponseMessage attempt)
    {
        var call = run.Forwarding();
        call.Attempt = attempt;
        try
        {
            return condition.Evaluate(run);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A withheld secret named value, or an expression that throws on this answer: the attempt's response stands
            // (an exception here would reach the forwarder as a failed backend call: a 502 and a breaker failure).
            return false;
        }
        finally
        {
            call.Attempt = null;
        }
    }
}
