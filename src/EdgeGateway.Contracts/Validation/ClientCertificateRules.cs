using System.Text.Json;
using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>validate-client-certificate</c>'s identities: at most 10 (as APIM), each an object of APIM's identity attributes
/// with at least one set, each a literal or named values (compiled once per snapshot, no expressions), thumbprints and
/// serial numbers as hex, subjects as distinguished names. issuerCertificateId names a certificate resource of the
/// management plane, which this policy cannot read yet: refused with a message saying so, rather than ignored.
/// </summary>
internal sealed class ClientCertificateRules : IPolicyRule
{
    public const string Type = "validate-client-certificate";

    /// <summary>APIM's limit on identity elements.</summary>
    public const int MaxIdentities = 10;

    public bool AppliesTo(string type) => type == Type;

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var identities = PolicyLiterals.Items(item, "identities").ToList();
        if (identities.Count > MaxIdentities)
        {
            context.Error($"{item.Path}.identities", $"at most {MaxIdentities} identities (as APIM), not {identities.Count}");
        }

        foreach (var (path, identity) in identities)
        {
            if (identity.ValueKind != JsonValueKind.Object)
            {
                continue; // PolicyAttributeRule reports it
            }

            var any = false;
            foreach (var property in identity.EnumerateObject())
            {
                var at = $"{path}.{property.Name}";
                any = true;
                if (!ClientCertificateNames.IdentityAttributes.Contains(property.Name, StringComparer.Ordinal))
                {
                    context.Error(at, $"unknown attribute for an identity (it takes {string.Join(", ", ClientCertificateNames.IdentityAttributes[..^1])})");
                }
                else if (property.Name == "issuerCertificateId")
                {
                    context.Error(at, "issuerCertificateId is not supported yet: give the issuer as issuerThumbprint or issuerSubject "
                        + "(with validateTrust and its CA in Gateway:Tls:ClientCaPath)");
                }
                else if (property.Value.ValueKind != JsonValueKind.String)
                {
                    context.Error(at, "expected a string");
                }
                else if (PolicyLiterals.Read(item, at, property.Value, context) is { } text)
                {
                    Check(property.Name, text, at, context);
                }
            }

            if (!any)
            {
                context.Error(path, "an identity needs at least one of thumbprint, serialNumber, commonName, subject, dnsName, issuerSubject, issuerThumbprint");
            }
        }
    }

    private static void Check(string name, string text, string path, ValidationContext context)
    {
        string? problem = null;
        switch (name)
        {
            case "thumbprint" or "issuerThumbprint":
                ClientCertificateNames.Thumbprint(text, out problem);
                break;
            case "serialNumber":
                ClientCertificateNames.SerialNumber(text, out problem);
                break;
            case "subject" or "issuerSubject":
                ClientCertificateNames.DistinguishedName(text, out problem);
                break;
            default:
                problem = text.Trim().Length == 0 ? "must not be empty" : null;
                break;
        }

        if (problem is not null)
        {
            // The message names the attribute's path, not its value: a certificate's names are not secret, but need not be echoed.
            context.Error(path, problem);
        }
    }
}
