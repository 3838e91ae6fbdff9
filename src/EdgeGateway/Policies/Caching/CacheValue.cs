using System.Text;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies.Caching;

/// <summary>
/// APIM's cache-lookup-value, cache-store-value and cache-remove-value: text values under keys of the policy's choosing, in
/// their own namespace (<see cref="KeyPrefix"/>) of the cache cache-lookup uses, so a value never meets a stored response.
/// cachingType picks the cache: prefer-external (the default) and external use Redis when <c>Cache:Redis:ConnectionString</c>
/// is set and this process's memory otherwise (external says so in the log at load); internal always uses this process's
/// memory. The three share the key (stored hashed) and the choice of cache; each applies its own verb.
/// </summary>
internal abstract class CacheValue(PolicyValue key, IResponseCache cache) : PolicyStep
{
    public const string LookupType = "cache-lookup-value";

    public const string StoreType = "cache-store-value";

    public const string RemoveType = "cache-remove-value";

    /// <summary>Values' keys: apart from cache-lookup's (<see cref="CacheKey.Prefix"/>) whatever a policy names.</summary>
    public const string KeyPrefix = "edgegateway:value:v2:";

    protected IResponseCache Cache { get; } = cache;

    public static CacheValue Create(string type, PolicyAttributes a, PolicyServices services)
    {
        var key = a.RequiredValue("key");
        var cache = Pick(type, a.Text("cachingType"), services);
        return type switch
        {
            LookupType => new Lookup(key, cache, a.Text("variableName")!, a.Value("defaultValue")),
            StoreType => new Store(key, cache, a.RequiredValue("value"), TimeSpan.FromSeconds(a.Int("duration") ?? 1)),
            _ => new Remove(key, cache),
        };
    }

    public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException($"{GetType().Name} runs through ApplyAsync");

    /// <summary>
    /// The prefix and the SHA-256 of the policy's key, as <see cref="CacheKey"/> does: a key may carry what must not be
    /// seen (a subscription key, a user's id), and Redis errors, its own tools and logs show keys; the length is fixed too.
    /// </summary>
    protected string KeyOf(PolicyRun run) => StorageKey(key.Evaluate(run));

    internal static string StorageKey(string key) =>
        string.Concat(KeyPrefix, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key))));

    private static IResponseCache Pick(string type, string? cachingType, PolicyServices services)
    {
        var shared = services.Redis?.Cache is not null;
        if (cachingType == "internal")
        {
            return services.LocalCache ?? services.Cache;
        }

        if (cachingType == "external" && !shared)
        {
            SideCalls.SideCallLog.ExternalCacheMissing(services.Logger, type);
        }

        return services.Cache;
    }

    private sealed class Lookup(PolicyValue key, IResponseCache cache, string variable, PolicyValue? fallback) : CacheValue(key, cache)
    {
        public override async ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
        {
            var bytes = await Cache.GetAsync(KeyOf(run));
            if (bytes is not null)
            {
                run.SetVariable(variable, Encoding.UTF8.GetString(bytes));
            }
            else if (fallback is not null)
            {
                run.SetVariable(variable, fallback.Evaluate(run));
            }
            else
            {
                run.RemoveVariable(variable); // APIM assigns null on a miss without a default
            }

            return PolicyResult.Continue;
        }
    }

    private sealed class Store(PolicyValue key, IResponseCache cache, PolicyValue value, TimeSpan duration) : CacheValue(key, cache)
    {
        public override async ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
        {
            await Cache.SetAsync(KeyOf(run), Encoding.UTF8.GetBytes(value.Evaluate(run)), duration);
            return PolicyResult.Continue;
        }
    }

    private sealed class Remove(PolicyValue key, IResponseCache cache) : CacheValue(key, cache)
    {
        public override async ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
        {
            await Cache.RemoveAsync(KeyOf(run));
            return PolicyResult.Continue;
        }
    }
}
