using System.Text.Json;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Policies.ClientCertificates;

/// <summary>
/// Whether a snapshot's policies read client certificates: a validate-client-certificate anywhere (nested in choose too),
/// or <c>context.Request.Certificate</c> in any attribute or named value (named values are substituted into expressions
/// textually). Worked out once per snapshot; the HTTPS listener asks each new connection for a certificate only while
/// the current snapshot says so (<c>Gateway:Tls:ClientCertificates</c> auto). Errs towards asking: a mention the policy
/// never evaluates still asks, which costs the client only the question.
/// </summary>
internal static class ClientCertificateDemand
{
    private const string Expression = "context.Request.Certificate";

    public static bool Of(GatewaySnapshot snapshot)
    {
        IEnumerable<PolicySet?> sets = [snapshot.Policies,
            .. (snapshot.Products ?? []).Select(p => p?.Policies),
            .. (snapshot.Apis ?? []).Select(a => a?.Policies),
            .. (snapshot.Apis ?? []).SelectMany(a => a?.Operations ?? []).Select(o => o?.Policies)];
        return sets.Any(s => s is not null && new[] { s.Inbound, s.Backend, s.Outbound, s.OnError }.Any(Reads))
            || (snapshot.NamedValues ?? []).Any(n => n?.Value?.Contains(Expression, StringComparison.Ordinal) == true);
    }

    private static bool Reads(IReadOnlyList<PolicyDefinition>? policies) =>
        policies is not null && policies.Any(p => p is not null
            && (p.Type == ValidateClientCertificate.Type || (p.Attributes ?? []).Values.Any(Reads)));

    private static bool Reads(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString() is { } text
            && (text.Contains(Expression, StringComparison.Ordinal) || text == ValidateClientCertificate.Type),
        JsonValueKind.Array => element.EnumerateArray().Any(Reads),
        JsonValueKind.Object => element.EnumerateObject().Any(p => Reads(p.Value)),
        _ => false,
    };
}
