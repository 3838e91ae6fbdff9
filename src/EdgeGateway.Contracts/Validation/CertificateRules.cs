using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Certificates;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>certificates</c>: unique ids, a thumbprint of 40 hex digits, and data (unless withheld) that is a PFX without a
/// password, with its private key, whose thumbprint is the one given: a gateway refuses at load what it could not present.
/// </summary>
internal static partial class CertificateRules
{
    public static void Validate(IReadOnlyList<CertificateDefinition> certificates, ValidationContext context)
    {
        var ids = ValidationContext.NewIdSet();
        for (var i = 0; i < certificates.Count; i++)
        {
            var path = $"certificates[{i}]";
            var certificate = certificates[i];
            if (certificate is null)
            {
                context.Error(path, "must be an object");
                continue;
            }

            context.Id(path, certificate.Id, ids, "certificate");
            if (certificate.Thumbprint is null)
            {
                context.Error($"{path}.thumbprint", "required");
            }
            else if (!IsThumbprint(certificate.Thumbprint))
            {
                context.Error($"{path}.thumbprint", "must be the certificate's SHA-1 thumbprint: 40 hex digits");
            }

            if (certificate.Data is null)
            {
                if (!context.Options.AllowWithheldSecrets)
                {
                    context.Error($"{path}.data", "required");
                }

                continue;
            }

            Data(path, certificate, context);
        }
    }

    public static bool IsThumbprint(string text) => ThumbprintPattern().IsMatch(text);

    private static void Data(string path, CertificateDefinition certificate, ValidationContext context)
    {
        var bytes = new byte[certificate.Data!.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(certificate.Data, bytes, out var length))
        {
            context.Error($"{path}.data", "must be base64 (a PFX without a password)");
            return;
        }

        var load = ClientCertificateLoader.FromPfx(bytes.AsSpan(0, length), null);
        using var loaded = load.Certificate;
        if (loaded is null)
        {
            context.Error($"{path}.data", load.Error!);
        }
        else if (certificate.Thumbprint is { } thumbprint && IsThumbprint(thumbprint)
            && !string.Equals(loaded.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase))
        {
            context.Error($"{path}.thumbprint", $"is not the thumbprint of the certificate in 'data' ({loaded.Thumbprint})");
        }
    }

    [GeneratedRegex(@"^[0-9A-Fa-f]{40}\z")]
    private static partial Regex ThumbprintPattern();
}
