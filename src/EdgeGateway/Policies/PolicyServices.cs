using EdgeGateway.Policies.Jwt;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Policies;

/// <summary>
/// What compiled policies share across snapshots, for the life of the process: a new revision compiles new steps, but a
/// validate-jwt step of the new revision finds the keys the old one fetched (cached by metadata URL) instead of fetching
/// them again. One instance per process, passed to every <see cref="PipelineCompiler"/>.
/// </summary>
internal sealed class PolicyServices(OpenIdKeyCache openIdKeys)
{
    private static readonly Lazy<PolicyServices> Fallback = new(() => new PolicyServices(new OpenIdKeyCache(OpenIdKeyCache.DefaultRefreshInterval)));

    /// <summary>For a runtime built without the host's instance (tests, tools): still one per process.</summary>
    public static PolicyServices Default => Fallback.Value;

    public OpenIdKeyCache OpenIdKeys { get; } = openIdKeys;

    /// <summary>The clock of windows, periods and expiries (rate limits, quotas, the response cache, the circuit breaker): a fake one in tests.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>rate-limit and quota counters: this process's by default, Redis when <c>RateLimit:Redis:ConnectionString</c> is set.</summary>
    public Traffic.ICounterStore Counters { get; init; } = new Traffic.LocalCounterStore(TimeProvider.System);

    /// <summary>limit-concurrency's in-flight counts: always this process's (a shared count would outlive a gateway that dies holding slots).</summary>
    public Traffic.ConcurrencySlots Concurrency { get; } = new();

    /// <summary>cache-lookup and cache-store's responses: this process's by default, Redis when <c>Cache:Redis:ConnectionString</c> is set.</summary>
    public Caching.IResponseCache Cache { get; init; } = new Caching.MemoryResponseCache(TimeProvider.System, Caching.MemoryResponseCache.DefaultMaxBytes);

    /// <summary>The process's instance, from the <c>Gateway:*</c> settings.</summary>
    public static PolicyServices For(Configuration.GatewayOptions gateway) => new(new OpenIdKeyCache(gateway.JwtKeyRefreshInterval));

    /// <summary>
    /// The process's instance, from the validated settings: <c>Gateway:*</c>, and <c>RateLimit:*</c> / <c>Cache:*</c> for
    /// where counters and cached responses live (Redis when a connection string is set; it connects once the host starts).
    /// </summary>
    public static PolicyServices For(Configuration.GatewaySettings settings)
    {
        var time = TimeProvider.System;
        var redis = Policies.Redis.RedisStores.Create(settings.RateLimit, settings.Cache, time);
        PolicyServices? services = null;
        return services = new(new OpenIdKeyCache(settings.Gateway.JwtKeyRefreshInterval))
        {
            AccessTokens = new Auth.ManagedIdentityTokens(new Auth.AzureManagedIdentityClient(), time, () => services!.Logger),
            EntraAuthorityHost = settings.Gateway.EntraAuthorityHostUri,
            Time = time,
            Counters = redis?.Counters ?? new Traffic.LocalCounterStore(time),
            Cache = redis?.Cache ?? new Caching.MemoryResponseCache(time, settings.Cache.MaxSize ?? Caching.MemoryResponseCache.DefaultMaxBytes),
            LocalCache = redis?.Cache is null ? null : new Caching.MemoryResponseCache(time, settings.Cache.MaxSize ?? Caching.MemoryResponseCache.DefaultMaxBytes),
            Redis = redis,
            ClientCertificates = settings.ClientCertificates,
        };
    }

    /// <summary>
    /// Managed-identity tokens for authentication-managed-identity (on the forwarded request and in send-request): the
    /// platform's identity endpoint (Container Apps, App Service, IMDS, workload identity), cached per resource and client.
    /// </summary>
    public Auth.IAccessTokenSource AccessTokens { get; init; } =
        new Auth.ManagedIdentityTokens(new Auth.AzureManagedIdentityClient(), TimeProvider.System, () => NullLogger.Instance);

    /// <summary>validate-azure-ad-token's authority (<c>Gateway:EntraAuthorityHost</c>): the public cloud unless set.</summary>
    public Uri EntraAuthorityHost { get; init; } = Configuration.GatewayOptions.DefaultEntraAuthorityHost;

    /// <summary>authentication-certificate's backend clients, one per client certificate, shared across revisions.</summary>
    public Auth.BackendCertificates Certificates => LazyInitializer.EnsureInitialized(ref certificates,
        () => new Auth.BackendCertificates(Time, () => Logger) { PropagateTraceContext = PropagateTraceContext });

    /// <summary>Backend clients write the gateway's trace context: set at start when a trace exporter or the access log is on.</summary>
    public bool PropagateTraceContext { get; set; }

    private Auth.BackendCertificates? certificates;

    /// <summary>validate-client-certificate's trust anchors (<c>Gateway:Tls:ClientCaPath</c> and the system's) and per-connection chain verdicts.</summary>
    public ClientCertificates.ClientCertificateTrust ClientCertificates { get; init; } = Policies.ClientCertificates.ClientCertificateTrust.SystemOnly;

    /// <summary>send-request and send-one-way-request's pooled client: one per process, never one per request.</summary>
    public SideCalls.SideCallClient SideCalls { get; init; } = new();

    /// <summary>
    /// The process's own cache, for cache-*-value with cachingType internal: the same instance as <see cref="Cache"/> without
    /// Redis, a memory cache beside it with Redis. Null: <see cref="Cache"/> is already this process's.
    /// </summary>
    public Caching.IResponseCache? LocalCache { get; init; }

    /// <summary>The Redis links behind <see cref="Counters"/> and <see cref="Cache"/>, for the status; null without Redis.</summary>
    public Policies.Redis.RedisStores? Redis { get; init; }

    /// <summary>Set once the host is built; policies compiled before that (the first config) log through it from then on.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;
}
