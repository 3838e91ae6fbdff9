using System.Diagnostics;

namespace Backup.Providers.Tests.Emulators;

/// <summary>
/// Starts Azurite (Blob) and s3rver (S3) once for the test run from <c>tests/emulators</c>
/// (running <c>npm ci</c> there first if <c>node_modules</c> is missing) and stops them afterwards.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public const string AccountName = "devstoreaccount1";

    // Azurite's well-known development account key (public, documented by Microsoft).
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public const string S3AccessKey = "S3RVER";
    public const string S3Bucket = "conformance";

    private EmulatorProcess? _azurite;
    private EmulatorProcess? _s3rver;

    public static string EmulatorsFolder { get; } = FindEmulatorsFolder();

    public EmulatorProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite is not running.");

    public EmulatorProcess S3rver => _s3rver ?? throw new InvalidOperationException("s3rver is not running.");

    public static string BlobConnectionString(int port, string accountKey = AccountKey) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={accountKey};BlobEndpoint=http://127.0.0.1:{port}/{AccountName};";

    public async Task InitializeAsync()
    {
        await EnsureNodeModulesAsync();
        var azurite = StartAzuriteAsync();
        var s3rver = StartS3rverAsync(S3Bucket);
        _azurite = await azurite;
        _s3rver = await s3rver;
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (_s3rver is not null)
        {
            await _s3rver.DisposeAsync();
        }
    }

    public static Task<EmulatorProcess> StartAzuriteAsync(int? port = null, string? dataFolder = null) =>
        EmulatorProcess.StartAsync(EmulatorsFolder, "azurite-blob", [], (port, folder) =>
            ["--location", folder, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--skipApiVersionCheck", "--silent"],
            port, dataFolder);

    // s3rver 3.7 makes ListObjectsV2 continuation tokens with DES, which Node 17+ (OpenSSL 3) only has in its legacy provider.
    public static Task<EmulatorProcess> StartS3rverAsync(string bucket, int? port = null, string? dataFolder = null) =>
        EmulatorProcess.StartAsync(EmulatorsFolder, "s3rver", ["--openssl-legacy-provider"], (port, folder) =>
            ["--directory", folder, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", bucket, "--silent"],
            port, dataFolder);

    private static async Task EnsureNodeModulesAsync()
    {
        if (Directory.Exists(Path.Combine(EmulatorsFolder, "node_modules", ".bin")))
        {
            return;
        }

        var start = new ProcessStartInfo("npm", "ci --no-audit --no-fund")
        {
            WorkingDirectory = EmulatorsFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var npm = Process.Start(start) ?? throw new InvalidOperationException("Could not start npm.");
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await npm.WaitForExitAsync(timeout.Token);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {EmulatorsFolder} failed ({npm.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }

    private static string FindEmulatorsFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "emulators");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tests/emulators/package.json not found above {AppContext.BaseDirectory}.");
    }
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "Emulators";
}
