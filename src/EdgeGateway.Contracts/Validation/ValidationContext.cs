using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// One validation run, shared by every rule class: the options, the problems found so far, and the ids that
/// sections refer to across each other, collected before any rule runs (so rules may run alone and in any order).
/// </summary>
internal sealed class ValidationContext
{
    /// <summary>What a valid id looks like, as messages say it.</summary>
    public const string IdForm = "letters, digits, '-', '_', '.', up to 80 characters";

    private readonly List<ConfigError> errors = [];

    public ValidationContext(GatewaySnapshot snapshot, ValidationOptions options, PolicyRules? policies = null)
    {
        Options = options;
        Policies = policies ?? PolicyRules.Default;
        ApiIds = ValidIds(snapshot.Apis, a => a.Id);
        ProductIds = ValidIds(snapshot.Products, p => p.Id);
        NamedValueIds = ValidIds(snapshot.NamedValues, n => n.Id);
        NamedValues = new NamedValueSet(snapshot.NamedValues?.Where(n => n is not null && SnapshotValidator.IsValidId(n.Id)));
        CertificateIds = ValidIds(snapshot.Certificates, c => c.Id);
        CertificateThumbprints = new HashSet<string>(
            (snapshot.Certificates ?? []).Where(c => c?.Thumbprint is not null).Select(c => c.Thumbprint!), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Valid certificate ids: what authentication-certificate's <c>certificateId</c> may name.</summary>
    public IReadOnlySet<string> CertificateIds { get; }

    /// <summary>The certificates' thumbprints: what authentication-certificate's <c>thumbprint</c> may name.</summary>
    public IReadOnlySet<string> CertificateThumbprints { get; }

    public ValidationOptions Options { get; }

    /// <summary>The policy rules every scope runs (global, product, API, operation).</summary>
    public PolicyRules Policies { get; }

    /// <summary>Valid API ids in the document, case-insensitive: what products and subscriptions may name.</summary>
    public IReadOnlySet<string> ApiIds { get; }

    public IReadOnlySet<string> ProductIds { get; }

    /// <summary>Valid named value ids: what <c>{{name}}</c> in a policy may reference.</summary>
    public IReadOnlySet<string> NamedValueIds { get; }

    /// <summary>The valid named values with their values: what policy values are compiled against.</summary>
    public NamedValueSet NamedValues { get; }

    public IReadOnlyList<ConfigError> Errors => errors;

    public void Error(string path, string message) => errors.Add(new ConfigError(path, message));

    public ValidationReport ToReport() => new(errors);

    /// <summary>A set of ids compared as APIM compares them: case-insensitive.</summary>
    public static HashSet<string> NewIdSet() => new(StringComparer.OrdinalIgnoreCase);

    /// <summary>An id within one list: required, well-formed, and not in <paramref name="seen"/> yet (then added to it).</summary>
    public void Id(string path, string? id, HashSet<string> seen, string what)
    {
        if (id is null)
        {
            Error($"{path}.id", "required");
        }
        else if (!SnapshotValidator.IsValidId(id))
        {
            Error($"{path}.id", $"'{id}' is not a valid {what} id ({IdForm})");
        }
        else if (!seen.Add(id))
        {
            Error($"{path}.id", $"duplicate {what} id '{id}'");
        }
    }

    /// <summary>An optional enum-like string: absent is fine, anything else must be one of <paramref name="allowed"/> exactly.</summary>
    public void OneOf(string path, string? value, IReadOnlyList<string> allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Error(path, $"'{value}' is not one of {string.Join(", ", allowed)}");
        }
    }

    private static HashSet<string> ValidIds<T>(IReadOnlyList<T>? items, Func<T, string?> id)
        where T : class
    {
        var ids = NewIdSet();
        foreach (var item in items ?? [])
        {
            if (item is not null && id(item) is { } value && SnapshotValidator.IsValidId(value))
            {
                ids.Add(value);
            }
        }

        return ids;
    }
}
