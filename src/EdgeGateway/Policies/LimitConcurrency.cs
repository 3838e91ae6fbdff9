using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Policies.Traffic;

namespace EdgeGateway.Policies;

/// <summary>
/// limit-concurrency: at most <c>maxCount</c> requests with the same key in flight through this gateway. A request takes a
/// slot in inbound and gives it back once its response has been written, however it ended (an answer, an error, the client
/// gone); a request finding every slot taken is refused (onError runs, LastError Reason ConcurrencyLimitExceeded; unless
/// onError answers, 429). Counts are this process's own (<see cref="ConcurrencySlots"/>), never in a shared store: a
/// gateway that dies holding slots would otherwise hold them for good.
/// </summary>
internal sealed class LimitConcurrency(PolicyValue key, int maxCount, CounterKeys keys, ConcurrencySlots slots) : PolicyStep, IRequestEnd
{
    public const string Type = "limit-concurrency";

    public const string Refused = "Too many concurrent requests. Try again later.";

    public static PolicyStep Create(PolicyAttributes a, string scope, PolicyServices services) => TrafficAttributes.Known(a, "key")
        ? new LimitConcurrency(a.RequiredValue("key"), a.Int("maxCount") ?? throw new InvalidOperationException("validated limit-concurrency lacks maxCount"),
            new CounterKeys($"{Type}|{scope}|"), services.Concurrency)
        : Unevaluable.Instance;

    public override PolicyResult Apply(PolicyRun run)
    {
        var slot = keys.For(key.Evaluate(run));
        if (!slots.TryAcquire(slot, maxCount))
        {
            return run.Fail(new PolicyError(Type, "ConcurrencyLimitExceeded", Refused, StatusCodes.Status429TooManyRequests));
        }

        run.AtEnd(new RequestEndWork(this, slot, default));
        return PolicyResult.Continue;
    }

    public ValueTask EndAsync(PolicyRun run, RequestEndWork work)
    {
        slots.Release(work.Key);
        return ValueTask.CompletedTask;
    }
}
