using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeGateway.Contracts.Signing;

/// <summary>
/// The management plane's signed word, sent with every snapshot answer (200 and 304) in the
/// <c>EdgeGateway-Confirmation</c> header: at <see cref="IssuedAt"/>, <see cref="Revision"/> was the newest snapshot for
/// <see cref="GatewayId"/>. A gateway backs it up beside its snapshots, so a start from a backup can tell how long ago the
/// plane last vouched for what the backup holds (<c>Trust:MaxSnapshotAge</c>). Signed like snapshots (ES256 flattened
/// JWS), with its own <c>typ</c> so neither can pass for the other.
/// </summary>
public sealed record SnapshotConfirmation(
    [property: JsonPropertyName("gatewayId")] string GatewayId,
    [property: JsonPropertyName("revision")] long Revision,
    [property: JsonPropertyName("issuedAt")] DateTimeOffset IssuedAt)
{
    public const string MediaType = "edgegateway-confirmation+json";

    /// <summary>The flattened JWS as compact one-line JSON (ASCII only): usable verbatim as a header value.</summary>
    public string Sign(ECDsa privateKey) => Encoding.ASCII.GetString(
        SignedSnapshot.Sign(JsonSerializer.SerializeToUtf8Bytes(this, SigningJsonContext.Default.SnapshotConfirmation), privateKey, MediaType));

    /// <summary>Verifies a signed confirmation against the trusted key; the error says why it is not one.</summary>
    public static ConfirmationCheck Verify(ReadOnlySpan<byte> envelope, ECDsa trustedKey)
    {
        var check = SignedSnapshot.Verify(envelope, trustedKey, MediaType);
        if (!check.IsValid)
        {
            return new ConfirmationCheck(null, $"confirmation not accepted: {check.Error}");
        }

        try
        {
            var confirmation = JsonSerializer.Deserialize(check.Payload, SigningJsonContext.Default.SnapshotConfirmation);
            return confirmation is { GatewayId.Length: > 0, Revision: >= 0 }
                ? new ConfirmationCheck(confirmation, null)
                : new ConfirmationCheck(null, "confirmation not accepted: it needs 'gatewayId', 'revision' and 'issuedAt'");
        }
        catch (JsonException)
        {
            return new ConfirmationCheck(null, "confirmation not accepted: its payload is not valid JSON");
        }
    }
}

public sealed record ConfirmationCheck(SnapshotConfirmation? Confirmation, string? Error);
