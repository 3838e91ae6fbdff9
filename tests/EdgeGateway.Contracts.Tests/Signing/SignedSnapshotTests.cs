using System.Text;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Tests.Signing;

public sealed class SignedSnapshotTests
{
    private static readonly byte[] Payload = Samples.Utf8("""{ "schemaVersion": 1, "revision": 7 }""");

    [Fact]
    public void Verify_WithSigningKey_ReturnsExactPayload()
    {
        using var key = SigningKeys.Generate();

        var envelope = SignedSnapshot.Sign(Payload, key);
        var check = SignedSnapshot.Verify(envelope, key);

        Assert.True(check.IsValid, check.Error);
        Assert.Equal(Payload, check.Payload);
        Assert.Equal(SigningKeys.KeyId(key), check.KeyId);
        Assert.True(SignedSnapshot.IsEnvelope(envelope));
        Assert.False(SignedSnapshot.IsEnvelope(Payload));
    }

    [Fact]
    public void Verify_PublicKeyFromPem_Works()
    {
        using var key = SigningKeys.Generate();
        Assert.True(SigningKeys.TryImport(SigningKeys.ExportPublicPem(key), out var publicKey, out var error), error);

        Assert.True(SignedSnapshot.Verify(SignedSnapshot.Sign(Payload, key), publicKey!).IsValid);
    }

    [Fact]
    public void Verify_TamperedPayload_IsRefused()
    {
        using var key = SigningKeys.Generate();
        var envelope = Encoding.UTF8.GetString(SignedSnapshot.Sign(Payload, key));
        var otherPayload = System.Buffers.Text.Base64Url.EncodeToString(Samples.Utf8("""{ "schemaVersion": 1, "revision": 8 }"""));
        var payloadStart = envelope.IndexOf("\"payload\":\"", StringComparison.Ordinal) + 11;
        var payloadEnd = envelope.IndexOf('"', payloadStart);
        var tampered = envelope[..payloadStart] + otherPayload + envelope[payloadEnd..];

        var check = SignedSnapshot.Verify(Encoding.UTF8.GetBytes(tampered), key);

        Assert.False(check.IsValid);
        Assert.Contains("signature does not match", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ForeignKey_IsRefusedNamingBothKeyIds()
    {
        using var signer = SigningKeys.Generate();
        using var trusted = SigningKeys.Generate();

        var check = SignedSnapshot.Verify(SignedSnapshot.Sign(Payload, signer), trusted);

        Assert.False(check.IsValid);
        Assert.Contains(SigningKeys.KeyId(signer), check.Error, StringComparison.Ordinal);
        Assert.Contains(SigningKeys.KeyId(trusted), check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TruncatedEnvelope_IsRefusedCleanly()
    {
        using var key = SigningKeys.Generate();
        var envelope = SignedSnapshot.Sign(Payload, key);

        var check = SignedSnapshot.Verify(envelope.AsSpan(0, envelope.Length / 2), key);

        Assert.False(check.IsValid);
        Assert.Contains("truncated", check.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a key")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")]
    public void TryImport_Garbage_SaysWhatIsWrong(string pem)
    {
        Assert.False(SigningKeys.TryImport(pem, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Load_TrustKeySet_RefusesUnsignedDocument()
    {
        using var key = SigningKeys.Generate();

        var load = SnapshotLoader.Load(Payload, key);

        Assert.False(load.Succeeded);
        Assert.Contains("not signed", Assert.Single(load.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SignedValidDocument_Succeeds()
    {
        using var key = SigningKeys.Generate();

        var load = SnapshotLoader.Load(SignedSnapshot.Sign(Payload, key), key);

        Assert.True(load.Succeeded, string.Join("\n", load.Problems));
        Assert.Equal(7, load.Snapshot!.Revision);
        Assert.True(load.WasSigned);
    }
}
