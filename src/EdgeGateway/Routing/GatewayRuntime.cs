using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Subscriptions;

namespace EdgeGateway.Routing;

/// <summary>
/// Everything a request needs, compiled from one validated snapshot and never changed afterwards:
/// a new snapshot builds a new runtime, swapped in with one reference write.
/// </summary>
internal sealed class GatewayRuntime
{
    public GatewayRuntime(GatewaySnapshot snapshot, string source, DateTimeOffset loadedAt)
    {
        Revision = snapshot.Revision;
        Source = source;
        LoadedAt = loadedAt;
        // An unpublished product grants nothing: its subscriptions do not open its APIs (APIM semantics).
        var productsByApi = (snapshot.Products ?? []).Where(p => p.State != "notPublished")
            .SelectMany(p => (p.Apis ?? []).Select(a => (Api: a, Product: p.Id!)))
            .ToLookup(x => x.Api, x => x.Product, StringComparer.OrdinalIgnoreCase);
        Apis = [.. (snapshot.Apis ?? []).Select(a => new ApiRoute(a, productsByApi[a.Id!]))];
        Routes = new RouteTable(Apis);
        Subscriptions = new SubscriptionIndex(snapshot.Subscriptions ?? []);
    }

    public long Revision { get; }

    public string Source { get; }

    public DateTimeOffset LoadedAt { get; }

    public ApiRoute[] Apis { get; }

    public RouteTable Routes { get; }

    public SubscriptionIndex Subscriptions { get; }
}
