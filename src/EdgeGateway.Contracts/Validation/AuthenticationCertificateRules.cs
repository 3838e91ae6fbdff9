using System.Text.Json;
using EdgeGateway.Contracts.Certificates;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>authentication-certificate</c>: exactly one source of the client certificate — <c>certificateId</c> (a certificate
/// the document carries), <c>thumbprint</c> (one of the document's certificates, found by thumbprint, as APIM) or
/// <c>path</c> (a file on the gateway's disk: standalone mode) — with <c>keyPath</c> and <c>password</c> only beside
/// <c>path</c>. Every attribute is read once, at load: literals or named values, never request expressions; certificateId
/// and thumbprint literals only (the plane chooses the certificates a snapshot carries by their text).
/// </summary>
internal sealed class AuthenticationCertificateRules : IPolicyRule
{
    public bool AppliesTo(string type) => type == CertificateReferences.PolicyType;

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var attributes = item.Policy.Attributes ?? [];
        var sources = new[] { "certificateId", "thumbprint", "path" }.Where(attributes.ContainsKey).ToList();
        if (sources.Count == 0)
        {
            context.Error(item.Path, "give the certificate: one of certificateId, thumbprint or path");
            return;
        }

        if (sources.Count > 1)
        {
            context.Error($"{item.Path}.{sources[1]}", $"give one of certificateId, thumbprint or path, not {string.Join(" and ", sources)}");
            return;
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in new[] { "certificateId", "thumbprint", "path", "keyPath", "password" })
        {
            if (!attributes.TryGetValue(name, out var element))
            {
                continue;
            }

            // The management plane picks the certificates it sends a gateway from these attributes' text, before any
            // named value is known to it as the gateway sees it: a reference would name no certificate it sends.
            if (name is "certificateId" or "thumbprint" && element.ValueKind == JsonValueKind.String && PolicyExpressions.IsTemplate(element.GetString()!))
            {
                context.Error($"{item.Path}.{name}", $"must be a literal: the {name} as written, no named value or expression"
                    + " (the management plane picks the certificates to send by this text)");
                values[name] = null;
                continue;
            }

            values[name] = PolicyLiterals.Read(item, $"{item.Path}.{name}", element, context);
        }

        foreach (var name in new[] { "keyPath", "password" })
        {
            if (attributes.ContainsKey(name) && sources[0] != "path")
            {
                context.Error($"{item.Path}.{name}", $"only with path: a certificate from the management plane carries its key ({sources[0]} given)");
            }
        }

        if (attributes.ContainsKey("keyPath") && attributes.ContainsKey("password"))
        {
            context.Error($"{item.Path}.password", "a PEM key (keyPath) is read unencrypted: password is for a PFX file");
        }

        switch (sources[0])
        {
            case "certificateId" when values["certificateId"] is { } id && !context.CertificateIds.Contains(id):
                context.Error($"{item.Path}.certificateId", $"no certificate with id '{id}' in 'certificates'"
                    + " (upload it to the management plane: PUT /certificates/{id})");
                break;
            case "thumbprint" when values["thumbprint"] is { } thumbprint:
                if (!CertificateRules.IsThumbprint(thumbprint))
                {
                    context.Error($"{item.Path}.thumbprint", "must be a SHA-1 thumbprint: 40 hex digits");
                }
                else if (!context.CertificateThumbprints.Contains(thumbprint))
                {
                    context.Error($"{item.Path}.thumbprint", $"no certificate with thumbprint {thumbprint} in 'certificates'");
                }

                break;
            case "path" when values["path"] is { Length: 0 }:
                context.Error($"{item.Path}.path", "must not be empty");
                break;
            default:
                break;
        }
    }
}
