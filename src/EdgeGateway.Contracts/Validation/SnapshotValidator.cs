using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// Checks a parsed snapshot beyond what its JSON shape says: ids, references, URLs, routing conflicts and
/// policy shapes. Shared by the gateway and the management plane, so both refuse the same documents.
/// One rule class per section does the work over a shared <see cref="ValidationContext"/>; problems are
/// reported in document order.
/// </summary>
public static partial class SnapshotValidator
{
    public const int SupportedSchemaVersion = 1;

    public static ValidationReport Validate(GatewaySnapshot snapshot, ValidationOptions? options = null)
    {
        var context = new ValidationContext(snapshot, options ?? new ValidationOptions());
        DocumentRules.Validate(snapshot, context);
        NamedValueRules.Validate(snapshot.NamedValues ?? [], context);
        CertificateRules.Validate(snapshot.Certificates ?? [], context);
        ApiRules.Validate(snapshot.Apis ?? [], context);
        ProductRules.Validate(snapshot.Products ?? [], context);
        SubscriptionRules.Validate(snapshot.Subscriptions ?? [], context);
        context.Policies.Validate("policies", snapshot.Policies, PolicyScope.Global, context);
        return context.ToReport();
    }

    /// <summary>Ids as APIM allows them: letters, digits, '-', '_', '.', at most 80 characters.</summary>
    /// <remarks>The patterns end in <c>\z</c>, not <c>$</c>: <c>$</c> also matches before a final newline, so "gw1\n" would pass.</remarks>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}\z")]
    private static partial Regex IdPattern();
}
