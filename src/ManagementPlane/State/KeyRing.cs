using System.Security.Cryptography;
using System.Text;
using Backup.Providers;
using EdgeGateway.Contracts.Signing;
using ManagementPlane.Hosting;
using Microsoft.Extensions.Options;

namespace ManagementPlane.State;

/// <summary>
/// The plane's two keys: the ECDSA snapshot-signing key and the AES key for secrets at rest. Each comes from its
/// setting or, when unset, from the store, where the first instance to start creates it (only-if-absent write, so
/// two instances starting together agree on one key).
/// </summary>
internal sealed class KeyRing(IOptions<ManagementOptions> options, IObjectStore store)
{
    public const string SigningKeyObject = "keys/signing-key.pem";
    public const string EncryptionKeyObject = "keys/encryption-key";

    private ECDsa? signingKey;
    private byte[]? encryptionKey;

    public ECDsa SigningKey => signingKey ?? throw new InvalidOperationException("keys not loaded yet");

    public byte[] EncryptionKey => encryptionKey ?? throw new InvalidOperationException("keys not loaded yet");

    public string PublicKeyPem { get; private set; } = "";

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var pem = options.Value.SigningKey is { Length: > 0 } configured
            ? configured
            : await GetOrCreateAsync(SigningKeyObject, () => { using var k = SigningKeys.Generate(); return SigningKeys.ExportPrivatePem(k); }, cancellationToken);
        if (!SigningKeys.TryImport(pem, out var key, out var error))
        {
            throw new ManagementConfigurationException($"Management:SigningKey {error} (or the stored {SigningKeyObject} is damaged).");
        }

        try
        {
            key!.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            throw new ManagementConfigurationException("Management:SigningKey must be the PRIVATE key (-----BEGIN PRIVATE KEY-----), not the public one.");
        }

        signingKey = key;
        PublicKeyPem = SigningKeys.ExportPublicPem(key);

        var aes = options.Value.EncryptionKey is { Length: > 0 } configuredAes
            ? configuredAes
            : await GetOrCreateAsync(EncryptionKeyObject, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), cancellationToken);
        encryptionKey = Convert.FromBase64String(aes.Trim());
        if (encryptionKey.Length != 32)
        {
            throw new ManagementConfigurationException($"Management:EncryptionKey (or the stored {EncryptionKeyObject}) must be base64 of 32 bytes.");
        }
    }

    private async Task<string> GetOrCreateAsync(string objectKey, Func<string> create, CancellationToken cancellationToken)
    {
        var existing = await store.GetAsync(objectKey, cancellationToken);
        if (existing is not null)
        {
            return Encoding.UTF8.GetString(existing.Content.Span);
        }

        var value = create();
        var put = await store.PutAsync(objectKey, Encoding.UTF8.GetBytes(value), WriteCondition.IfNoneMatch, cancellationToken);
        if (put.Succeeded)
        {
            return value;
        }

        // Another instance created it first: use theirs.
        var winner = await store.GetAsync(objectKey, cancellationToken)
            ?? throw new InvalidOperationException($"{objectKey} could not be created or read in {store.Name}.");
        return Encoding.UTF8.GetString(winner.Content.Span);
    }
}
