using System.Security.Cryptography;
using System.Text;
using Backup.Providers;
using EdgeGateway.Contracts.Signing;
using ManagementPlane.Hosting;
using Microsoft.Extensions.Options;

namespace ManagementPlane.State;

/// <summary>
/// The plane's two keys: the ECDSA snapshot-signing key and the AES key for secrets at rest. Both come from settings
/// (the value, or a mounted file), kept apart from the state store: whoever reads the store must not be able to forge
/// snapshots or decrypt secrets. Only <c>Management:DevelopmentKeys=true</c> generates missing keys into the store
/// (the first instance to start creates them with an only-if-absent write, so instances starting together agree).
/// </summary>
internal sealed partial class KeyRing(IOptions<ManagementOptions> options, IObjectStore store, ILogger<KeyRing> logger)
{
    public const string SigningKeyObject = "keys/signing-key.pem";
    public const string EncryptionKeyObject = "keys/encryption-key";

    private static readonly KeySetting Signing = new("Management:SigningKey", "Management:SigningKeyFile", SigningKeyObject, KeyExport.SigningKeyFileName);
    private static readonly KeySetting Encryption = new("Management:EncryptionKey", "Management:EncryptionKeyFile", EncryptionKeyObject, KeyExport.EncryptionKeyFileName);

    private ECDsa? signingKey;
    private byte[]? encryptionKey;

    public ECDsa SigningKey => signingKey ?? throw new InvalidOperationException("keys not loaded yet");

    public byte[] EncryptionKey => encryptionKey ?? throw new InvalidOperationException("keys not loaded yet");

    public string PublicKeyPem { get; private set; } = "";

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var (pem, pemSource) = Signing.Read(o.SigningKey, o.SigningKeyFile);
        var (aes, aesSource) = Encryption.Read(o.EncryptionKey, o.EncryptionKeyFile);
        if (pem is null || aes is null)
        {
            if (!o.DevelopmentKeys)
            {
                throw await MissingKeysAsync(pem is null ? Signing : null, aes is null ? Encryption : null, cancellationToken);
            }

            LogDevelopmentKeys(logger, store.Name);
            if (pem is null)
            {
                (pem, pemSource) = (await GetOrCreateAsync(SigningKeyObject, () => { using var k = SigningKeys.Generate(); return SigningKeys.ExportPrivatePem(k); }, cancellationToken), $"the stored {SigningKeyObject}");
            }

            if (aes is null)
            {
                (aes, aesSource) = (await GetOrCreateAsync(EncryptionKeyObject, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), cancellationToken), $"the stored {EncryptionKeyObject}");
            }
        }

        signingKey = ImportSigningKey(pem, pemSource);
        PublicKeyPem = SigningKeys.ExportPublicPem(signingKey);
        encryptionKey = ImportEncryptionKey(aes, aesSource);
    }

    private static ECDsa ImportSigningKey(string pem, string source)
    {
        if (!SigningKeys.TryImport(pem, out var key, out var error))
        {
            throw new ManagementConfigurationException($"{source} {error}.");
        }

        try
        {
            key!.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            key!.Dispose();
            throw new ManagementConfigurationException($"{source} must be the PRIVATE key (-----BEGIN PRIVATE KEY-----), not the public one.");
        }

        return key;
    }

    private static byte[] ImportEncryptionKey(string base64, string source)
    {
        var buffer = new byte[48];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out var written) || written != 32)
        {
            throw new ManagementConfigurationException($"{source} must be base64 of exactly 32 random bytes (e.g. `openssl rand -base64 32`).");
        }

        return buffer[..32];
    }

    /// <summary>
    /// No key in settings. Keys an older version generated into the store must move into settings as they are:
    /// a new signing key would match no gateway's <c>Trust:SigningKey</c>, a new encryption key would read no secret.
    /// </summary>
    private async Task<ManagementConfigurationException> MissingKeysAsync(KeySetting? signing, KeySetting? encryption, CancellationToken cancellationToken)
    {
        var missing = new[] { signing, encryption }.OfType<KeySetting>().ToList();
        var stored = new List<KeySetting>();
        foreach (var setting in missing)
        {
            if (await store.GetAsync(setting.StoredObject, cancellationToken) is not null)
            {
                stored.Add(setting);
            }
        }

        var names = string.Join(" and ", missing.Select(s => $"{s.Name} (or {s.FileName})"));
        if (stored.Count == 0)
        {
            return new ManagementConfigurationException(
                $"{names} {(missing.Count == 1 ? "is" : "are")} not set: the plane's keys live in settings, apart from its state. " +
                "Generate them once (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out signing-key.pem; openssl rand -base64 32 > encryption-key), " +
                "keep them in your secret store and pass them in (Management__SigningKeyFile=/run/secrets/signing-key.pem, …); Management:DevelopmentKeys=true generates them into the state store instead (demo only).");
        }

        return new ManagementConfigurationException(string.Join(Environment.NewLine,
        [
            $"{names} {(missing.Count == 1 ? "is" : "are")} not set, but the state store ({store.Name}) holds {string.Join(" and ", stored.Select(s => s.StoredObject))} from an earlier version.",
            "Keys no longer live next to the data. Move exactly these keys into settings (a new signing key would match no gateway's Trust:SigningKey):",
            "  1. with this plane's settings, run:  ManagementPlane export-keys --out <a private folder>",
            $"  2. pass the files to every plane instance: {string.Join(", ", stored.Select(s => $"{Env(s.FileName)}=<folder>/{s.ExportFile}"))} (or their contents as {string.Join(" / ", stored.Select(s => Env(s.Name)))}; better, from your secret store)",
            $"  3. once every instance runs with them, delete {string.Join(" and ", stored.Select(s => s.StoredObject))} from the state store.",
        ]));
    }

    private static string Env(string setting) => setting.Replace(":", "__", StringComparison.Ordinal);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Management:DevelopmentKeys is on: the signing and encryption keys not set in settings are kept in the state store ({Store}), where whoever reads the store can forge snapshots and decrypt secrets. For a demo only.")]
    private static partial void LogDevelopmentKeys(ILogger logger, string store);

    /// <summary>One key's settings: the value, or a file holding it.</summary>
    private sealed record KeySetting(string Name, string FileName, string StoredObject, string ExportFile)
    {
        /// <summary>The key text and where it came from (for messages), or null when neither setting is given.</summary>
        public (string? Value, string Source) Read(string? value, string? file)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return (value, Name);
            }

            if (string.IsNullOrWhiteSpace(file))
            {
                return (null, Name);
            }

            try
            {
                var text = File.ReadAllText(file);
                return string.IsNullOrWhiteSpace(text)
                    ? throw new ManagementConfigurationException($"{FileName}: {file} is empty.")
                    : (text, $"{FileName} ({file})");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new ManagementConfigurationException($"{FileName}: cannot read {file}: {ex.Message}");
            }
        }
    }
}
