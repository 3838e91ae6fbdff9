using System.Globalization;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Policies.Traffic;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's quota (per subscription) and quota-by-key (per counterKey's value): at most <c>calls</c> requests and/or
/// <c>bandwidth</c> kilobytes of body (request read + response written) per period of <c>renewalPeriod</c> seconds,
/// periods aligned to firstPeriodStart (quota-by-key) or the Unix epoch. A refusal is an error (onError runs, LastError
/// Reason QuotaExceeded); unless onError answers, the client gets 403 with Retry-After. Calls without incrementCondition
/// are counted with their check in one atomic store call; bandwidth, and calls with a condition, once the response is written.
/// </summary>
internal sealed class Quota : PolicyStep, IRequestEnd
{
    public const string Type = "quota";
    public const string ByKeyType = "quota-by-key";

    private readonly string type;
    private readonly long? calls;
    private readonly long? bandwidthBytes;
    private readonly FixedWindow window;
    private readonly PolicyValue? counterKey;
    private readonly CounterKeys callKeys;
    private readonly CounterKeys byteKeys;
    private readonly PolicyCondition? incrementCondition;
    private readonly PolicyServices services;

    private Quota(string type, PolicyAttributes a, string scope, PolicyServices services)
    {
        this.type = type;
        this.services = services;
        calls = a.Int("calls");
        bandwidthBytes = a.Int("bandwidth") * 1024L;
        var period = a.Int("renewalPeriod") ?? throw new InvalidOperationException($"validated {type} lacks renewalPeriod");
        var start = TrafficAttributes.Literal(a, "firstPeriodStart") is { } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : DateTimeOffset.UnixEpoch;
        window = new FixedWindow(period * TimeSpan.TicksPerSecond, start.UtcTicks);
        counterKey = type == ByKeyType ? a.RequiredValue("counterKey") : null;
        // As rate-limit: by key, the key's counters (shared by policies naming the same key, period and start);
        // per subscription, the policy's own.
        var prefix = counterKey is null ? $"{type}|{scope}|{period}|" : $"{type}|{period}|{start.UtcTicks}|";
        callKeys = new CounterKeys(prefix + "calls|");
        byteKeys = new CounterKeys(prefix + "bytes|");
        incrementCondition = a.Condition("incrementCondition", Contracts.Policies.Sections.Outbound);
    }

    public static PolicyStep Create(string type, PolicyAttributes a, string scope, PolicyServices services) =>
        TrafficAttributes.Known(a, "counterKey", "firstPeriodStart") ? new Quota(type, a, scope, services) : Unevaluable.Instance;

    public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException("quota runs through ApplyAsync");

    public override async ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
    {
        var now = services.Time.GetUtcNow();
        var end = window.EndFor(now);
        var value = counterKey is null ? run.SubscriptionId ?? string.Empty : counterKey.Evaluate(run);
        // Bandwidth first, only read: a request it refuses has not used up a call.
        if (bandwidthBytes is { } maxBytes)
        {
            var used = await services.Counters.AddAsync(byteKeys.For(value), end, 0, null);
            if (used.Unavailable)
            {
                return CounterCalls.StoreUnavailable(run, type, services);
            }

            if (used.Count >= maxBytes)
            {
                return Refuse(run, "bandwidth", end, now);
            }
        }

        if (calls is { } maxCalls)
        {
            var counted = incrementCondition is null
                ? await services.Counters.AddAsync(callKeys.For(value), end, 1, maxCalls)
                : await services.Counters.AddAsync(callKeys.For(value), end, 0, null);
            if (counted.Unavailable)
            {
                return CounterCalls.StoreUnavailable(run, type, services);
            }

            if (incrementCondition is null ? !counted.Added : counted.Count + 1 > maxCalls)
            {
                return Refuse(run, "call volume", end, now);
            }
        }

        if (bandwidthBytes is not null || incrementCondition is not null)
        {
            run.AtEnd(new RequestEndWork(this, value, end, bandwidthBytes is null ? null : BodyBytes.Attach(run.Http)));
        }

        return PolicyResult.Continue;
    }

    /// <summary>Once the response is written: the call (with incrementCondition, if it holds) and the body bytes.</summary>
    public async ValueTask EndAsync(PolicyRun run, RequestEndWork work)
    {
        if (incrementCondition is not null && !incrementCondition.Evaluate(run))
        {
            return;
        }

        // The response is gone: a store that cannot answer leaves nothing to refuse, the count is lost.
        if (incrementCondition is not null && calls is not null
            && (await services.Counters.AddAsync(callKeys.For(work.Key), work.WindowEnd, 1, null)).Unavailable)
        {
            TrafficLog.EndCountLost(services.Logger, type);
        }

        if (work.State is BodyBytes bytes && bytes.Total > 0
            && (await services.Counters.AddAsync(byteKeys.For(work.Key), work.WindowEnd, bytes.Total, null)).Unavailable)
        {
            TrafficLog.EndCountLost(services.Logger, type);
        }
    }

    private PolicyResult Refuse(PolicyRun run, string what, DateTimeOffset end, DateTimeOffset now)
    {
        var seconds = FixedWindow.SecondsUntil(end, now);
        return run.Fail(new PolicyError(type, "QuotaExceeded", $"Out of {what} quota. Quota will be replenished in {CounterCalls.Clock(seconds)}.",
            StatusCodes.Status403Forbidden) { Headers = [new("Retry-After", seconds.ToString(CultureInfo.InvariantCulture))] });
    }
}
