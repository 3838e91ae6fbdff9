using System.Security.Cryptography;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Cli;

/// <summary>
/// Operator subcommands. Exit codes: 0 ok; 1 the input is invalid or refused; 2 usage error. (validate's 3, "uses
/// policies this build cannot enforce", went away with issue 11: every policy type of the catalog is enforced.)
/// </summary>
internal static class GatewayCli
{
    public const int Ok = 0;
    public const int Invalid = 1;
    public const int Usage = 2;

    private static readonly string[] Commands = ["keygen", "sign", "validate", "check-backup", "healthcheck", "settings", "version", "help", "--help", "-h", "--version"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = CliArgs.Parse(args.AsSpan(1));
        try
        {
            return args[0] switch
            {
                "keygen" => KeyGen(options, stdout, stderr),
                "sign" => await SignAsync(options, stdout, stderr),
                "validate" => await ValidateAsync(options, stdout, stderr),
                "check-backup" => await CheckBackupCommand.RunAsync(args[1..], stdout, stderr),
                "healthcheck" => await HealthcheckCommand.RunAsync(args[1..], stderr),
                "settings" => GatewaySettingsList.Build().Print("EdgeGateway", args.AsSpan(1), stdout, stderr),
                "version" or "--version" => Print(stdout, Health.ThisAssembly.Version),
                _ => Print(stdout, HelpText),
            };
        }
        catch (CliUsageException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}\n\n{HelpText}");
            return Usage;
        }
    }

    private static int KeyGen(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        var dir = args.Option("out") ?? ".";
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: cannot create {dir}: {ex.Message}");
            return Invalid;
        }

        var privatePath = Path.Combine(dir, "signing-key.pem");
        var publicPath = Path.Combine(dir, "signing-key.pub.pem");
        if (File.Exists(privatePath) && !args.Flag("force"))
        {
            stderr.WriteLine($"error: {privatePath} exists; pass --force to replace it");
            return Invalid;
        }

        using var key = SigningKeys.Generate();

        // Born 0600 under a temporary name, then renamed: the private key is never readable by others, not even briefly.
        var temp = privatePath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        File.Delete(temp);
        using (var writer = new StreamWriter(temp, System.Text.Encoding.UTF8, options))
        {
            writer.Write(SigningKeys.ExportPrivatePem(key));
        }

        File.Move(temp, privatePath, overwrite: true);

        File.WriteAllText(publicPath, SigningKeys.ExportPublicPem(key));
        stdout.WriteLine($"private key: {privatePath} (keep it secret; it signs configs)");
        stdout.WriteLine($"public key:  {publicPath} (give it to gateways as Trust:SigningKey)");
        stdout.WriteLine($"key id:      {SigningKeys.KeyId(key)}");
        return Ok;
    }

    private static async Task<int> SignAsync(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        var keyPath = args.Option("key") ?? throw new CliUsageException("sign needs --key PRIVATE-KEY.pem");
        var input = args.Positional(0) ?? throw new CliUsageException("sign needs the config file to sign");
        if (!SigningKeys.TryImport(await ReadTextAsync("--key", keyPath), out var key, out var keyError))
        {
            await stderr.WriteLineAsync($"error: --key {keyPath} {keyError}");
            return Invalid;
        }

        if (!HasPrivateKey(key!))
        {
            key!.Dispose();
            await stderr.WriteLineAsync($"error: --key {keyPath} is a public key; sign needs the private key (signing-key.pem from keygen)");
            return Invalid;
        }

        using (key)
        {
            if (await ReadInputAsync(input, stderr) is not { } bytes)
            {
                return Invalid;
            }

            if (SignedSnapshot.IsEnvelope(bytes))
            {
                await stderr.WriteLineAsync($"error: {input} is already signed");
                return Invalid;
            }

            // Never sign what no gateway would accept: check the shape first (unenforced policies may still be signed).
            var load = SnapshotLoader.Load(bytes, trustedKey: null);
            if (load.Errors.Count > 0)
            {
                await WriteProblemsAsync(stderr, input, load.Errors.Select(e => e.ToString()));
                return Invalid;
            }

            var envelope = SignedSnapshot.Sign(bytes, key!);
            var output = args.Option("out");
            if (output is null)
            {
                await stdout.WriteLineAsync(System.Text.Encoding.UTF8.GetString(envelope));
            }
            else
            {
                await File.WriteAllBytesAsync(output, envelope);
                await stderr.WriteLineAsync($"signed {input} -> {output} (key id {SigningKeys.KeyId(key!)})");
            }

            return Ok;
        }
    }

    private static async Task<int> ValidateAsync(CliArgs args, TextWriter stdout, TextWriter stderr)
    {
        var input = args.Positional(0) ?? throw new CliUsageException("validate needs the config file");
        ECDsa? trustKey = null;
        if (args.Option("trust-key") is { } trustPath && !SigningKeys.TryImport(await ReadTextAsync("--trust-key", trustPath), out trustKey, out var keyError))
        {
            await stderr.WriteLineAsync($"error: --trust-key {trustPath} {keyError}");
            return Invalid;
        }

        if (await ReadInputAsync(input, stderr) is not { } bytes)
        {
            return Invalid;
        }

        // The key came from a flag here, so messages name the flag, not the gateway's Trust:SigningKey setting.
        var load = SnapshotLoader.Load(bytes, trustKey, trustKeyName: "--trust-key");
        if (load.Errors.Count > 0)
        {
            await WriteProblemsAsync(stderr, input, load.Errors.Select(e => e.ToString()));
            return Invalid;
        }

        var signature = trustKey is not null ? $"signature valid (key id {load.VerifiedKeyId})"
            : load.WasSigned ? "signed, signature NOT checked (no --trust-key)" : "unsigned";
        await stdout.WriteLineAsync($"{input}: valid, {signature}");
        return Ok;
    }

    private static async Task<byte[]?> ReadInputAsync(string input, TextWriter stderr)
    {
        try
        {
            return await File.ReadAllBytesAsync(input);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"error: cannot read {input}: {ex.Message}");
            return null;
        }
    }

    private static async Task WriteProblemsAsync(TextWriter stderr, string input, IEnumerable<string> problems)
    {
        await stderr.WriteLineAsync($"{input}: invalid");
        foreach (var problem in problems)
        {
            await stderr.WriteLineAsync($"  {problem}");
        }
    }

    private static async Task<string> ReadTextAsync(string flag, string path)
    {
        try
        {
            return await File.ReadAllTextAsync(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{flag}: cannot read {path}: {ex.Message}");
        }
    }

    private static bool HasPrivateKey(ECDsa key)
    {
        try
        {
            _ = key.ExportParameters(includePrivateParameters: true);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static int Print(TextWriter stdout, string text)
    {
        stdout.WriteLine(text);
        return Ok;
    }

    private const string HelpText = """
        EdgeGateway: a self-hosted API gateway.

        Run the gateway:  EdgeGateway [--urls http://+:8080] [--Gateway:ConfigFile=PATH] [other settings]
        Subcommands:
          keygen [--out DIR] [--force]            create an ECDSA P-256 signing key pair (signing-key.pem, signing-key.pub.pem)
          sign --key KEY.pem [--out OUT] FILE     sign a config file (JWS, ES256); prints to stdout without --out
          validate [--trust-key PUB.pem] FILE     check a config file; exit 0 valid, 1 invalid
          check-backup [--Backup:Provider=...]    write, read, list and delete a probe object in the configured backup store
          healthcheck [--url URL] [--timeout S]   GET /healthz/ready of the gateway on this machine (port from --urls,
                                                  or ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS / Gateway__AdminUrls
                                                  in the environment);
                                                  exit 0 ready, 1 anything else (usage errors too; never 2)
          settings [--names]                      list every setting the gateway reads (KEY DEFAULT MEANING)
          version                                 print the version
        """;
}
