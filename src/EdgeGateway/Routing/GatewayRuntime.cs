using EdgeGateway.Contracts.Snapshot;
using System.Collections.Frozen;
using EdgeGateway.Policies;
using EdgeGateway.Subscriptions;

namespace EdgeGateway.Routing;

/// <summary>
/// Everything a request needs, compiled from one validated snapshot and never changed afterwards:
/// a new snapshot builds a new runtime, swapped in with one reference write.
/// </summary>
internal sealed class GatewayRuntime
{
    /// <summary>
    /// Compiles <paramref name="snapshot"/>. Given the runtime it replaces (<paramref name="previous"/>), destinations whose
    /// API and address are unchanged carry over with their health and in-flight count: a swap neither sends traffic to a
    /// backend known to be down nor forgets the requests it holds.
    /// </summary>
    public GatewayRuntime(GatewaySnapshot snapshot, string source, DateTimeOffset loadedAt, byte[]? content = null, bool fromBackup = false,
        PolicyServices? policyServices = null, GatewayRuntime? previous = null)
    {
        Revision = snapshot.Revision;
        Content = content ?? [];
        FromBackup = fromBackup;
        Source = source;
        LoadedAt = loadedAt;
        // An unpublished product grants nothing: its subscriptions do not open its APIs (APIM semantics).
        var published = (snapshot.Products ?? []).Where(p => p.State != ProductStates.NotPublished).ToList();
        var productsByApi = published
            .SelectMany(p => (p.Apis ?? []).Select(a => (Api: a, Product: p)))
            .ToLookup(x => x.Api, x => x.Product, StringComparer.OrdinalIgnoreCase);
        var policies = new PipelineCompiler(snapshot, policyServices);
        var destinations = new DestinationCarryOver(previous);
        try
        {
            Apis = [.. (snapshot.Apis ?? []).Select(a => new ApiRoute(a, [.. productsByApi[a.Id!]], policies, destinations, policyServices?.Time))];
        }
        catch
        {
            policies.Certificates.Abandon(); // a config never applied: its new backend clients would wait for the next one
            throw;
        }

        ProductNames = published.ToFrozenDictionary(p => p.Id!, p => p.Name ?? p.Id!, StringComparer.OrdinalIgnoreCase);
        Routes = new RouteTable(Apis);
        KeyQueries = Apis.Select(a => a.KeyQuery).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        Subscriptions = new SubscriptionIndex(snapshot.Subscriptions ?? []);
        HoldsSecretValues = (snapshot.NamedValues ?? []).Any(n => n is { Secret: true, Value: not null })
            || (snapshot.Certificates ?? []).Any(c => c is { Data: not null }); // a certificate's key is a secret too
        CertificateThumbprints = policies.Certificates.Used;
        WantsClientCertificates = Policies.ClientCertificates.ClientCertificateDemand.Of(snapshot);
    }

    /// <summary>
    /// Every subscription-key query parameter name the APIs use: the access log strips them all from a URL, also for a
    /// request that matched no API (a misspelt path still carries its key).
    /// </summary>
    public FrozenSet<string> KeyQueries { get; }

    /// <summary>A policy reads client certificates: the HTTPS listener asks new connections for one (<c>Gateway:Tls:ClientCertificates</c> auto).</summary>
    public bool WantsClientCertificates { get; }

    /// <summary>
    /// Compiles a validated snapshot, or says why it could not: validation is meant to refuse everything compilation cannot
    /// do, so a failure here is a bug, and it is refused like an invalid config (the last good one keeps serving) instead
    /// of crashing a start-up or a sync loop. The exception's message is not repeated: it may quote a value.
    /// </summary>
    public static GatewayRuntime? TryCreate(Func<GatewayRuntime> compile, out string? problem)
    {
        try
        {
            problem = null;
            return compile();
        }
        catch (PolicyLoadException ex)
        {
            problem = ex.Message; // this gateway cannot set a policy up (a certificate file, say): the message says which and why
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            problem = $"the config passed validation but the gateway could not compile it ({ex.GetType().Name}); nothing of it is served (please report this)";
            return null;
        }
    }

    /// <summary>The snapshot carries the value of a secret named value: its backup must be encrypted (or allowed in plain text).</summary>
    public bool HoldsSecretValues { get; }

    /// <summary>The client certificates this config's policies present: the backend clients to keep once it is applied.</summary>
    public IReadOnlySet<string> CertificateThumbprints { get; }

    public long Revision { get; }

    /// <summary>The exact bytes this runtime was verified from (a signed envelope or a plain file): what a backup stores.</summary>
    public byte[] Content { get; }

    /// <summary>Restored from a backup: already in the store, nothing to back up.</summary>
    public bool FromBackup { get; }

    public string Source { get; }

    public DateTimeOffset LoadedAt { get; }

    public ApiRoute[] Apis { get; }

    public RouteTable Routes { get; }

    /// <summary><c>context.Product.Name</c> by product id.</summary>
    public FrozenDictionary<string, string> ProductNames { get; }

    public SubscriptionIndex Subscriptions { get; }
}
