using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Validation;

/// <summary>
/// <c>certificates</c> and authentication-certificate as both planes check them at load: usable certificate data matching
/// its thumbprint, exactly one certificate source, and references to certificates the document carries, each error at its path.
/// </summary>
public sealed class CertificateRulesTests
{
    private static readonly X509Certificate2 Certificate = Create();

    private static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var made = new CertificateRequest("CN=rules-client", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    private static readonly string Data = Convert.ToBase64String(Certificate.Export(X509ContentType.Pfx));

    private static string[] Errors(string policy, string? certificates = null, ValidationOptions? options = null)
    {
        certificates ??= $$"""[ { "id": "partner", "thumbprint": "{{Certificate.Thumbprint}}", "data": "{{Data}}" } ]""";
        var json = $$"""
            { "schemaVersion": 1, "certificates": {{certificates}}, "policies": { "inbound": [ {{policy}} ] } }
            """;
        var parsed = SnapshotReader.Parse(Samples.Utf8(json));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        return [.. SnapshotValidator.Validate(parsed.Snapshot!, options).Errors.Select(e => e.ToString())];
    }

    [Fact]
    public void Validate_ByIdByThumbprintOrPath_Accepted()
    {
        Assert.Empty(Errors("""{ "type": "authentication-certificate", "certificateId": "PARTNER" }"""));
        Assert.Empty(Errors($$"""{ "type": "authentication-certificate", "thumbprint": "{{Certificate.Thumbprint.ToLowerInvariant()}}" }"""));
        Assert.Empty(Errors("""{ "type": "authentication-certificate", "path": "/etc/client.pfx", "password": "pw" }"""));
    }

    [Fact]
    public void Validate_UnknownCertificate_RefusedAtItsPath()
    {
        Assert.Contains(Errors("""{ "type": "authentication-certificate", "certificateId": "other" }"""),
            e => e.StartsWith("policies.inbound[0].certificateId: no certificate with id 'other'", StringComparison.Ordinal));
        Assert.Contains(Errors($$"""{ "type": "authentication-certificate", "thumbprint": "{{new string('A', 40)}}" }"""),
            e => e.StartsWith("policies.inbound[0].thumbprint: no certificate with thumbprint", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoneOrTwoSources_OrKeyPathWithoutPath_Refused()
    {
        Assert.Contains(Errors("""{ "type": "authentication-certificate" }"""), e => e.Contains("one of certificateId, thumbprint or path", StringComparison.Ordinal));
        Assert.Contains(Errors("""{ "type": "authentication-certificate", "certificateId": "partner", "path": "/x.pfx" }"""),
            e => e.StartsWith("policies.inbound[0].path: give one of", StringComparison.Ordinal));
        Assert.Contains(Errors("""{ "type": "authentication-certificate", "certificateId": "partner", "password": "pw" }"""),
            e => e.StartsWith("policies.inbound[0].password: only with path", StringComparison.Ordinal));
        Assert.Contains(Errors("""{ "type": "authentication-certificate", "path": "@(context.Request.Headers.GetValueOrDefault(\"p\", \"\"))" }"""),
            e => e.Contains("not an expression", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CertificateData_NotAPfxNoKeyOrOtherThumbprint_RefusedAtItsPath()
    {
        const string Policy = """{ "type": "authentication-certificate", "certificateId": "partner" }""";
        Assert.Contains(Errors(Policy, $$"""[ { "id": "partner", "thumbprint": "{{Certificate.Thumbprint}}", "data": "bm90IGEgcGZ4" } ]"""),
            e => e.StartsWith("certificates[0].data: not a PFX", StringComparison.Ordinal));
        using var publicOnly = X509CertificateLoader.LoadCertificate(Certificate.RawData);
        Assert.Contains(Errors(Policy, $$"""[ { "id": "partner", "thumbprint": "{{Certificate.Thumbprint}}", "data": "{{Convert.ToBase64String(publicOnly.Export(X509ContentType.Pfx))}}" } ]"""),
            e => e.StartsWith("certificates[0].data: no private key", StringComparison.Ordinal));
        Assert.Contains(Errors(Policy, $$"""[ { "id": "partner", "thumbprint": "{{new string('B', 40)}}", "data": "{{Data}}" } ]"""),
            e => e.StartsWith("certificates[0].thumbprint: is not the thumbprint", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WithheldData_OnlyWhereAllowed()
    {
        var withheld = $$"""[ { "id": "partner", "thumbprint": "{{Certificate.Thumbprint}}" } ]""";
        const string Policy = """{ "type": "authentication-certificate", "certificateId": "partner" }""";
        Assert.Empty(Errors(Policy, withheld, new ValidationOptions { AllowWithheldSecrets = true }));
        Assert.Contains(Errors(Policy, withheld, new ValidationOptions { AllowWithheldSecrets = false }), e => e.StartsWith("certificates[0].data: required", StringComparison.Ordinal));
    }

    /// <summary>
    /// The management plane chooses the certificates it sends by these attributes' text: a named value there would name
    /// none it sends, and the gateway would refuse every later revision. Both planes refuse it at load.
    /// </summary>
    [Theory]
    [InlineData("certificateId", "partner")]
    [InlineData("thumbprint", null)]
    public void Validate_CertificateIdOrThumbprintFromANamedValue_RefusedAsNotALiteral(string attribute, string? value)
    {
        const string Reference = "{{which}}";
        var json = $$"""
            { "schemaVersion": 1, "namedValues": [ { "id": "which", "value": "{{value ?? Certificate.Thumbprint}}" } ],
              "certificates": [ { "id": "partner", "thumbprint": "{{Certificate.Thumbprint}}", "data": "{{Data}}" } ],
              "policies": { "inbound": [ { "type": "authentication-certificate", "{{attribute}}": "{{Reference}}" } ] } }
            """;
        var parsed = SnapshotReader.Parse(Samples.Utf8(json));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));

        var error = Assert.Single(SnapshotValidator.Validate(parsed.Snapshot!).Errors).ToString();

        Assert.StartsWith($"policies.inbound[0].{attribute}: must be a literal", error, StringComparison.Ordinal);
    }
}
