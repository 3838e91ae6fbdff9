using System.Diagnostics.CodeAnalysis;

namespace EdgeGateway.Contracts.Snapshot;

public enum SubscriptionScopeKind
{
    /// <summary><c>apis</c>: every API.</summary>
    AllApis,

    /// <summary><c>apis/{id}</c>: one API.</summary>
    Api,

    /// <summary><c>products/{id}</c>: the APIs of one product.</summary>
    Product,
}

/// <summary>
/// What a subscription's keys open (<see cref="SubscriptionDefinition.Scope"/>), parsed once here for the validator,
/// the gateway and the management plane. Leading and trailing '/' are accepted; names are case-sensitive.
/// </summary>
public sealed record SubscriptionScope
{
    /// <summary>The accepted forms, as messages quote them.</summary>
    public const string Forms = "\"products/{id}\", \"apis/{id}\" or \"apis\"";

    private SubscriptionScope(SubscriptionScopeKind kind, string? id)
    {
        Kind = kind;
        Id = id;
    }

    public static SubscriptionScope AllApis { get; } = new(SubscriptionScopeKind.AllApis, null);

    public SubscriptionScopeKind Kind { get; }

    /// <summary>The API or product id; null for <see cref="SubscriptionScopeKind.AllApis"/>. Not checked against existing ids here.</summary>
    public string? Id { get; }

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out SubscriptionScope? scope)
    {
        scope = text?.Trim('/').Split('/') switch
        {
            ["apis"] => AllApis,
            ["apis", var api] => new(SubscriptionScopeKind.Api, api),
            ["products", var product] => new(SubscriptionScopeKind.Product, product),
            _ => null,
        };
        return scope is not null;
    }

    /// <summary>Whether these keys open any of <paramref name="apiIds"/> or of the APIs in <paramref name="productIds"/> (the sets' comparers decide).</summary>
    public bool Reaches(IReadOnlySet<string> apiIds, IReadOnlySet<string> productIds) => Kind switch
    {
        SubscriptionScopeKind.AllApis => true,
        SubscriptionScopeKind.Api => apiIds.Contains(Id!),
        _ => productIds.Contains(Id!),
    };

    /// <summary>Whether these keys open the API <paramref name="apiId"/>, which belongs to <paramref name="productIds"/>.</summary>
    public bool Reaches(string apiId, IReadOnlySet<string> productIds) => Kind switch
    {
        SubscriptionScopeKind.AllApis => true,
        SubscriptionScopeKind.Api => string.Equals(Id, apiId, StringComparison.OrdinalIgnoreCase),
        _ => productIds.Contains(Id!),
    };

    /// <summary>The canonical form: <c>apis</c>, <c>apis/{id}</c> or <c>products/{id}</c>.</summary>
    public override string ToString() => Kind switch
    {
        SubscriptionScopeKind.AllApis => "apis",
        SubscriptionScopeKind.Api => "apis/" + Id,
        _ => "products/" + Id,
    };
}
