using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Tests.Signing;

/// <summary>The EdgeGateway-Confirmation header's wire format (docs/management-api.md, "Snapshot confirmation").</summary>
public sealed class SnapshotConfirmationTests
{
    private static readonly SnapshotConfirmation Sample = new("gw1", 5, new DateTimeOffset(2026, 11, 30, 8, 12, 30, TimeSpan.Zero));

    [Fact]
    public void Sign_OneLineAsciiJws_WithTheDocumentedPayloadAndType()
    {
        using var key = SigningKeys.Generate();

        var header = Sample.Sign(key);

        Assert.DoesNotContain('\n', header);
        Assert.True(header.All(c => c is >= ' ' and <= '~'));
        using var envelope = JsonDocument.Parse(header);
        Assert.Equal("""{"gatewayId":"gw1","revision":5,"issuedAt":"2026-11-30T08:12:30+00:00"}""",
            Encoding.UTF8.GetString(Base64Url.DecodeFromChars(envelope.RootElement.GetProperty("payload").GetString())));
        using var protectedHeader = JsonDocument.Parse(Base64Url.DecodeFromChars(envelope.RootElement.GetProperty("protected").GetString()));
        Assert.Equal("ES256", protectedHeader.RootElement.GetProperty("alg").GetString());
        Assert.Equal("edgegateway-confirmation+json", protectedHeader.RootElement.GetProperty("typ").GetString());
        Assert.Equal(SigningKeys.KeyId(key), protectedHeader.RootElement.GetProperty("kid").GetString());
    }

    [Fact]
    public void Verify_RoundTrip_ReturnsTheConfirmation()
    {
        using var key = SigningKeys.Generate();

        var check = SnapshotConfirmation.Verify(Encoding.ASCII.GetBytes(Sample.Sign(key)), key);

        Assert.Null(check.Error);
        Assert.Equal(Sample, check.Confirmation);
    }

    [Fact]
    public void Confirmation_IsNotASnapshot_AndASnapshotIsNotAConfirmation()
    {
        using var key = SigningKeys.Generate();
        var snapshot = SignedSnapshot.Sign(Samples.Utf8("""{ "schemaVersion": 1, "revision": 5, "gatewayId": "gw1" }"""), key);

        Assert.Contains("not 'edgegateway-confirmation+json'", SnapshotConfirmation.Verify(snapshot, key).Error, StringComparison.Ordinal);
        Assert.False(SnapshotLoader.Load(Encoding.ASCII.GetBytes(Sample.Sign(key)), key).Succeeded);
    }
}
