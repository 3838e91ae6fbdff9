using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeGateway.Contracts.Signing;

/// <summary>
/// Signed snapshots as a flattened JWS JSON serialization (RFC 7515 §7.2.2) with ES256 (ECDSA P-256,
/// SHA-256): the payload is the snapshot's exact bytes, the protected header carries the key id.
/// Any JOSE library can verify one; no canonicalisation is needed because the bytes are signed as they are.
/// </summary>
public static class SignedSnapshot
{
    public const string Algorithm = "ES256";
    public const string MediaType = "edgegateway-snapshot+json";

    public static byte[] Sign(ReadOnlySpan<byte> payload, ECDsa privateKey) => Sign(payload, privateKey, MediaType);

    /// <summary>Signs any payload; <paramref name="type"/> (the header's <c>typ</c>) says what it is, so one kind cannot pass for another.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> payload, ECDsa privateKey, string type)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(
            new JwsHeader(Algorithm, SigningKeys.KeyId(privateKey), type), SigningJsonContext.Default.JwsHeader);
        var protectedB64 = Base64Url.EncodeToString(header);
        var payloadB64 = Base64Url.EncodeToString(payload);
        var signature = privateKey.SignData(SigningInput(protectedB64, payloadB64), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var envelope = new JwsEnvelope(protectedB64, payloadB64, Base64Url.EncodeToString(signature));
        return JsonSerializer.SerializeToUtf8Bytes(envelope, SigningJsonContext.Default.JwsEnvelope);
    }

    /// <summary>True when the bytes are a JSON object with the JWS members (so: signed, whatever the outcome of verifying).</summary>
    public static bool IsEnvelope(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            bool hasProtected = false, hasPayload = false, hasSignature = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                hasProtected |= reader.ValueTextEquals("protected"u8);
                hasPayload |= reader.ValueTextEquals("payload"u8);
                hasSignature |= reader.ValueTextEquals("signature"u8);
                reader.Read();
                reader.Skip();
            }

            return hasProtected && hasPayload && hasSignature;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Verifies an envelope against the trusted public key; on success returns the exact payload bytes.</summary>
    public static SignatureCheck Verify(ReadOnlySpan<byte> envelopeBytes, ECDsa trustedKey) => Verify(envelopeBytes, trustedKey, null);

    /// <summary>As <see cref="Verify(ReadOnlySpan{byte}, ECDsa)"/>, and the header's <c>typ</c> must be <paramref name="expectedType"/> when given.</summary>
    public static SignatureCheck Verify(ReadOnlySpan<byte> envelopeBytes, ECDsa trustedKey, string? expectedType)
    {
        JwsEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(envelopeBytes, SigningJsonContext.Default.JwsEnvelope);
        }
        catch (JsonException)
        {
            return SignatureCheck.Fail("the signed envelope is not valid JSON (truncated or corrupted?)");
        }

        if (envelope is not { Protected: { } p, Payload: { } payload, Signature: { } sig })
        {
            return SignatureCheck.Fail("the signed envelope needs 'protected', 'payload' and 'signature'");
        }

        byte[] headerBytes, payloadBytes, signature;
        try
        {
            headerBytes = Base64Url.DecodeFromChars(p);
            payloadBytes = Base64Url.DecodeFromChars(payload);
            signature = Base64Url.DecodeFromChars(sig);
        }
        catch (FormatException)
        {
            return SignatureCheck.Fail("the signed envelope has a member that is not base64url");
        }

        JwsHeader? header;
        try
        {
            header = JsonSerializer.Deserialize(headerBytes, SigningJsonContext.Default.JwsHeader);
        }
        catch (JsonException)
        {
            return SignatureCheck.Fail("the signature header is not valid JSON");
        }

        if (header?.Alg != Algorithm)
        {
            return SignatureCheck.Fail($"signature algorithm '{header?.Alg}' is not {Algorithm}");
        }

        if (expectedType is not null && header.Typ != expectedType)
        {
            return SignatureCheck.Fail($"signed as '{header.Typ}', not '{expectedType}'");
        }

        var expectedKid = SigningKeys.KeyId(trustedKey);
        if (!string.Equals(header.Kid, expectedKid, StringComparison.Ordinal))
        {
            return SignatureCheck.Fail($"signed with key '{header.Kid}', but the trusted key is '{expectedKid}' (foreign or rotated key)");
        }

        var ok = trustedKey.VerifyData(SigningInput(p, payload), signature, HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return ok ? new SignatureCheck(true, payloadBytes, header.Kid, null) : SignatureCheck.Fail("signature does not match: the content was changed after signing");
    }

    /// <summary>The payload of an envelope without checking its signature (only when no trust key is configured).</summary>
    public static byte[]? ReadPayloadUnverified(ReadOnlySpan<byte> envelopeBytes)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize(envelopeBytes, SigningJsonContext.Default.JwsEnvelope);
            return envelope?.Payload is { } payload ? Base64Url.DecodeFromChars(payload) : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return null;
        }
    }

    private static byte[] SigningInput(string protectedB64, string payloadB64) => Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64);
}

public sealed record SignatureCheck(bool IsValid, byte[]? Payload, string? KeyId, string? Error)
{
    public static SignatureCheck Fail(string error) => new(false, null, null, error);
}

internal sealed record JwsEnvelope(
    [property: JsonPropertyName("protected")] string? Protected,
    [property: JsonPropertyName("payload")] string? Payload,
    [property: JsonPropertyName("signature")] string? Signature);

internal sealed record JwsHeader(
    [property: JsonPropertyName("alg")] string? Alg,
    [property: JsonPropertyName("kid")] string? Kid,
    [property: JsonPropertyName("typ")] string? Typ);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JwsEnvelope))]
[JsonSerializable(typeof(JwsHeader))]
[JsonSerializable(typeof(SnapshotConfirmation))]
internal sealed partial class SigningJsonContext : JsonSerializerContext;
