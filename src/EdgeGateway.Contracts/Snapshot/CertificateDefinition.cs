namespace EdgeGateway.Contracts.Snapshot;

/// <summary>
/// A client certificate with its private key, as the management plane delivers it to a gateway whose
/// authentication-certificate policies use it (by <c>certificateId</c> or <c>thumbprint</c>), and to no other gateway.
/// A secret: a gateway backs a snapshot holding one up only encrypted (<c>Backup:EncryptionKey</c>).
/// </summary>
public sealed record CertificateDefinition
{
    public string? Id { get; init; }

    /// <summary>SHA-1 of the certificate, 40 hex digits (upper case, as APIM and .NET show it).</summary>
    public string? Thumbprint { get; init; }

    /// <summary>Base64 PKCS#12 (PFX) without a password, holding the certificate and its private key; withheld in the plane's own validation.</summary>
    public string? Data { get; init; }
}
