using System.Text;
using Backup.Providers;
using EdgeGateway.Contracts.Signing;
using ManagementPlane.Hosting;

namespace ManagementPlane.State;

/// <summary>
/// <c>ManagementPlane export-keys --out DIR</c>: copies the keys an earlier version generated into the state store
/// into two files (mode 0600) to hand to the plane as <c>Management:SigningKeyFile</c> / <c>Management:EncryptionKeyFile</c>.
/// The store is the one the plane's settings name; nothing listens and nothing in the store changes.
/// </summary>
internal static class KeyExport
{
    public const string Command = "export-keys";
    public const string SigningKeyFileName = "signing-key.pem";
    public const string EncryptionKeyFileName = "encryption-key";

    private const string Usage = "usage: ManagementPlane export-keys --out DIR [--Management:Store:...=value ...]  (the store settings as for a normal start)";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] == Command;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var outIndex = Array.IndexOf(args, "--out");
        if (outIndex < 1 || outIndex + 1 >= args.Length || args[outIndex + 1].StartsWith("--", StringComparison.Ordinal))
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        var dir = Path.GetFullPath(args[outIndex + 1]);
        var settings = args.Where((_, i) => i != 0 && i != outIndex && i != outIndex + 1).ToArray();
        var builder = WebApplication.CreateSlimBuilder(settings);
        builder.AddManagementPlane();
        await using var app = builder.Build();
        var store = app.Services.GetRequiredService<IObjectStore>();

        var signing = await store.GetAsync(KeyRing.SigningKeyObject);
        var encryption = await store.GetAsync(KeyRing.EncryptionKeyObject);
        if (signing is null && encryption is null)
        {
            await stderr.WriteLineAsync($"error: the state store ({store.Name}) holds no keys ({KeyRing.SigningKeyObject}, {KeyRing.EncryptionKeyObject}): nothing to export.");
            return 1;
        }

        var signingPath = Path.Combine(dir, SigningKeyFileName);
        var encryptionPath = Path.Combine(dir, EncryptionKeyFileName);
        foreach (var path in new[] { signing is null ? null : signingPath, encryption is null ? null : encryptionPath }.OfType<string>())
        {
            if (File.Exists(path))
            {
                await stderr.WriteLineAsync($"error: {path} exists; export into an empty folder (a key is never overwritten)");
                return 1;
            }
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dir);
        }
        else
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (signing is not null)
        {
            var pem = Encoding.UTF8.GetString(signing.Content.Span);
            WritePrivate(signingPath, pem);
            var keyId = SigningKeys.TryImport(pem, out var key, out _) ? SigningKeys.KeyId(key!) : "unreadable";
            key?.Dispose();
            await stdout.WriteLineAsync($"wrote {signingPath}  (signing key, key id {keyId}): Management__SigningKeyFile={signingPath}");
        }

        if (encryption is not null)
        {
            WritePrivate(encryptionPath, Encoding.UTF8.GetString(encryption.Content.Span).Trim() + "\n");
            await stdout.WriteLineAsync($"wrote {encryptionPath}  (encryption key): Management__EncryptionKeyFile={encryptionPath}");
        }

        await stdout.WriteLineAsync("Pass these settings (or the files' contents as Management__SigningKey / Management__EncryptionKey, from your secret store) to every plane instance;");
        await stdout.WriteLineAsync($"once all run with them, delete {string.Join(" and ", new[] { signing is null ? null : KeyRing.SigningKeyObject, encryption is null ? null : KeyRing.EncryptionKeyObject }.OfType<string>())} from the state store ({store.Name}).");
        return 0;
    }

    private static void WritePrivate(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(content);
    }
}
