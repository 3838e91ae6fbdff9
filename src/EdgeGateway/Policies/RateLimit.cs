using System.Globalization;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Policies.Traffic;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's rate-limit (per subscription) and rate-limit-by-key (per counterKey's value): at most <c>calls</c> requests per
/// fixed window of <c>renewalPeriod</c> seconds, windows aligned to multiples of the period since the Unix epoch. A
/// refusal is an error (onError runs, LastError Reason RateLimitExceeded); unless onError answers, the client gets 429
/// with Retry-After. Without incrementCondition the request is counted with its check in one atomic store call; with it,
/// inbound only reads the counter and the count is added once the response is written, if the condition holds then.
/// </summary>
internal sealed class RateLimit : PolicyStep, IRequestEnd
{
    public const string Type = "rate-limit";
    public const string ByKeyType = "rate-limit-by-key";

    private readonly string type;
    private readonly long calls;
    private readonly FixedWindow window;
    private readonly PolicyValue? counterKey;
    private readonly CounterKeys keys;
    private readonly PolicyCondition? incrementCondition;
    private readonly long incrementCount;
    private readonly string retryAfterHeader;
    private readonly string? remainingHeader;
    private readonly string? totalHeader;
    private readonly string totalText;
    private readonly PolicyServices services;

    private RateLimit(string type, PolicyAttributes a, string scope, PolicyServices services)
    {
        this.type = type;
        this.services = services;
        calls = a.Int("calls") ?? throw new InvalidOperationException($"validated {type} lacks calls");
        var period = a.Int("renewalPeriod") ?? throw new InvalidOperationException($"validated {type} lacks renewalPeriod");
        window = FixedWindow.FromEpoch(period);
        counterKey = type == ByKeyType ? a.RequiredValue("counterKey") : null;
        // By key, as APIM: the counter is the key's, shared by every policy (any API) naming the same key and period.
        // Per subscription: the counter is the policy's own, per subscription (callers without one share one counter).
        keys = new CounterKeys(counterKey is null ? $"{type}|{scope}|{period}|" : $"{type}|{period}|");
        incrementCondition = a.Condition("incrementCondition", Contracts.Policies.Sections.Outbound);
        incrementCount = a.Int("incrementCount") ?? 1;
        retryAfterHeader = TrafficAttributes.Literal(a, "retryAfterHeaderName") ?? "Retry-After";
        remainingHeader = TrafficAttributes.Literal(a, "remainingCallsHeaderName");
        totalHeader = TrafficAttributes.Literal(a, "totalCallsHeaderName");
        totalText = calls.ToString(CultureInfo.InvariantCulture);
    }

    public static PolicyStep Create(string type, PolicyAttributes a, string scope, PolicyServices services) =>
        TrafficAttributes.Known(a, "counterKey", "retryAfterHeaderName", "remainingCallsHeaderName", "totalCallsHeaderName")
            ? new RateLimit(type, a, scope, services) : Unevaluable.Instance;

    public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException("rate-limit runs through ApplyAsync");

    /// <summary>
    /// Written without async on the way through: a store that answers synchronously (the local one) costs no state machine,
    /// so the step allocates nothing for a key value seen before; only a store that actually waits goes through
    /// <see cref="AwaitedAsync"/>.
    /// </summary>
    public override ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
    {
        var now = services.Time.GetUtcNow();
        var end = window.EndFor(now);
        var key = keys.For(counterKey is null ? run.SubscriptionId ?? string.Empty : counterKey.Evaluate(run));
        // Without a condition: check and count in one atomic call. With one: only read now, count after the response.
        var pending = incrementCondition is null
            ? services.Counters.AddAsync(key, end, incrementCount, calls)
            : services.Counters.AddAsync(key, end, 0, null);
        return pending.IsCompletedSuccessfully ? new(Decide(run, pending.Result, key, end, now)) : AwaitedAsync(pending, run, key, end, now);
    }

    private async ValueTask<PolicyResult> AwaitedAsync(ValueTask<CounterResult> pending, PolicyRun run, string key, DateTimeOffset end, DateTimeOffset now) =>
        Decide(run, await pending, key, end, now);

    private PolicyResult Decide(PolicyRun run, CounterResult counted, string key, DateTimeOffset end, DateTimeOffset now)
    {
        if (counted.Unavailable)
        {
            return CounterCalls.StoreUnavailable(run, type, services);
        }

        var admitted = incrementCondition is null ? counted.Added : counted.Count + incrementCount <= calls;
        if (!admitted)
        {
            var seconds = FixedWindow.SecondsUntil(end, now);
            return run.Fail(new PolicyError(type, "RateLimitExceeded", $"Rate limit is exceeded. Try again in {seconds} seconds.",
                StatusCodes.Status429TooManyRequests) { Headers = RefusalHeaders(seconds) });
        }

        if (incrementCondition is not null)
        {
            run.AtEnd(new RequestEndWork(this, key, end));
        }

        if (remainingHeader is not null || totalHeader is not null)
        {
            SetCallHeaders(run.Http.Response.Headers, Math.Max(0, calls - counted.Count - (incrementCondition is null ? 0 : incrementCount)));
        }

        return PolicyResult.Continue;
    }

    /// <summary>incrementCondition's count, once the response is known.</summary>
    public async ValueTask EndAsync(PolicyRun run, RequestEndWork work)
    {
        if (!incrementCondition!.Evaluate(run))
        {
            return;
        }

        if ((await services.Counters.AddAsync(work.Key, work.WindowEnd, incrementCount, null)).Unavailable)
        {
            TrafficLog.EndCountLost(services.Logger, type); // the response is gone: nothing left to refuse
        }
    }

    private void SetCallHeaders(IHeaderDictionary headers, long remaining)
    {
        if (remainingHeader is not null)
        {
            headers[remainingHeader] = remaining.ToString(CultureInfo.InvariantCulture);
        }

        if (totalHeader is not null)
        {
            headers[totalHeader] = totalText;
        }
    }

    private KeyValuePair<string, string>[] RefusalHeaders(int seconds)
    {
        var headers = new List<KeyValuePair<string, string>>(3) { new(retryAfterHeader, seconds.ToString(CultureInfo.InvariantCulture)) };
        if (remainingHeader is not null)
        {
            headers.Add(new(remainingHeader, "0"));
        }

        if (totalHeader is not null)
        {
            headers.Add(new(totalHeader, totalText));
        }

        return [.. headers];
    }
}
