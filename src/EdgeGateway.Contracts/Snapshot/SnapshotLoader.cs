using System.Security.Cryptography;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Snapshot;

/// <summary>
/// Bytes in, a snapshot a gateway may serve out: verify the signature (when a trust key is given),
/// parse, validate and check that every policy is enforced. Any failure yields the reasons and no snapshot.
/// </summary>
public static class SnapshotLoader
{
    /// <summary>
    /// <paramref name="trustKeyName"/> is what the caller calls <paramref name="trustedKey"/> in messages: the setting,
    /// or the CLI flag it came from.
    /// </summary>
    public static SnapshotLoad Load(ReadOnlySpan<byte> bytes, ECDsa? trustedKey, ValidationOptions? options = null, string trustKeyName = "Trust:SigningKey")
    {
        var signed = SignedSnapshot.IsEnvelope(bytes);
        ReadOnlySpan<byte> payload = bytes;
        string? keyId = null;
        if (trustedKey is not null)
        {
            if (!signed)
            {
                return SnapshotLoad.Refused("", $"the document is not signed, and {trustKeyName} is set: only snapshots signed by that key are accepted");
            }

            var check = SignedSnapshot.Verify(bytes, trustedKey);
            if (!check.IsValid)
            {
                return SnapshotLoad.Refused("", check.Error!);
            }

            payload = check.Payload;
            keyId = check.KeyId;
        }
        else if (signed)
        {
            // No key to check against: read the payload, but say so (the caller logs it).
            var unverified = SignedSnapshot.ReadPayloadUnverified(bytes);
            if (unverified is null)
            {
                return SnapshotLoad.Refused("", "the signed envelope is malformed");
            }

            payload = unverified;
        }

        var parsed = SnapshotReader.Parse(payload);
        if (parsed.Snapshot is null)
        {
            return new SnapshotLoad(null, parsed.Errors, signed, keyId);
        }

        var report = SnapshotValidator.Validate(parsed.Snapshot, options);
        return new SnapshotLoad(report.IsValid ? parsed.Snapshot : null, report.Errors, signed, keyId);
    }
}

public sealed record SnapshotLoad(
    GatewaySnapshot? Snapshot,
    IReadOnlyList<ConfigError> Errors,
    bool WasSigned,
    string? VerifiedKeyId)
{
    public bool Succeeded => Snapshot is not null;

    public IEnumerable<string> Problems => Errors.Select(e => e.ToString());

    public static SnapshotLoad Refused(string path, string message) => new(null, [new ConfigError(path, message)], false, null);
}
