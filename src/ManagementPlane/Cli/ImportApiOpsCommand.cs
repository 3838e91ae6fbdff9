using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ManagementPlane.Hosting;
using ManagementPlane.Import.ApiOps;

namespace ManagementPlane.Cli;

/// <summary>
/// <c>ManagementPlane import-apiops DIR</c>: zips an APIOps extractor folder and posts it to the running plane's
/// <c>POST /import/apiops</c> with an admin key, so the import is the plane's own all-or-nothing write (the same as a
/// GitOps pipeline calling the API). Prints the report (text, or the plane's JSON with <c>--json</c>).
/// Exit codes: 0 everything imported as it is; 3 imported (or would be, with --dry-run) but some artifacts were
/// changed or ignored (the report says what); 4 something refused or the result invalid, nothing applied;
/// 1 the plane could not be reached or refused the request; 2 usage error.
/// </summary>
internal static class ImportApiOpsCommand
{
    public const string Command = "import-apiops";

    public const string AdminKeyVariable = "MANAGEMENT_ADMIN_KEY";

    public const int Changed = 3;

    public const int Refused = 4;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (Parse(args, stderr, environment) is not { } options)
        {
            return 2;
        }

        var (zip, zipError) = Zip(options.Directory, options.Values, stderr);
        if (zipError is not null)
        {
            stderr.WriteLine($"{Command}: {zipError}");
            return 2;
        }

        using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.Timeout = options.Timeout;
        var content = new ByteArrayContent(zip!);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Url, "import/apiops" + (options.DryRun ? "?dryRun=true" : ""))) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AdminKey);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await client.SendAsync(request);
            body = await response.Content.ReadAsStringAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            stderr.WriteLine($"{Command}: the management plane at {options.Url} could not be reached: {ex.Message}");
            return 1;
        }

        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity))
        {
            stderr.WriteLine($"{Command}: the management plane answered {(int)response.StatusCode}: {Detail(body)}");
            return 1;
        }

        MigrationReport? report;
        try
        {
            report = JsonSerializer.Deserialize(body, ApiJsonContext.Api.MigrationReport);
        }
        catch (JsonException ex)
        {
            stderr.WriteLine($"{Command}: the answer is not an import report: {ex.Message}");
            return 1;
        }

        stdout.Write(options.Json ? body + "\n" : report!.ToText());
        return ExitCode(report!);
    }

    public static int ExitCode(MigrationReport report) => !report.Applicable ? Refused : report.Clean ? 0 : Changed;

    private static string Detail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Length > 300 ? body[..300] : body;
        }
    }

    private sealed record Options(string Directory, Uri Url, string AdminKey, bool DryRun, bool Json, Dictionary<string, string> Values, TimeSpan Timeout);

    private static Options? Parse(string[] args, TextWriter stderr, Func<string, string?> environment)
    {
        string? directory = null, url = null, keyFile = null;
        bool dryRun = false, json = false;
        var timeout = TimeSpan.FromSeconds(100);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (arg)
            {
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--url":
                    url = Next();
                    break;
                case "--admin-key-file":
                    keyFile = Next();
                    break;
                case "--timeout" when int.TryParse(Next(), out var seconds) && seconds > 0:
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                case "--named-value" when Next() is { } pair && pair.IndexOf('=') > 0:
                    values[pair[..pair.IndexOf('=')]] = pair[(pair.IndexOf('=') + 1)..];
                    break;
                case "--named-values" when Next() is { } file:
                    if (!File.Exists(file) || ApiOpsJson.Values(File.ReadAllBytes(file)) is not ({ } read, null))
                    {
                        return Usage(stderr, $"--named-values {file}: not a readable JSON object of name → value");
                    }

                    foreach (var (name, value) in read)
                    {
                        values[name] = value;
                    }

                    break;
                default:
                    if (arg.StartsWith('-') || directory is not null)
                    {
                        return Usage(stderr, $"unexpected argument '{arg}' (or a missing value after it)");
                    }

                    directory = arg;
                    break;
            }
        }

        if (directory is null || !Directory.Exists(directory))
        {
            return Usage(stderr, directory is null ? "the APIOps folder is required" : $"no folder '{directory}'");
        }

        url ??= environment("MANAGEMENT_URL") ?? "http://127.0.0.1:5000";
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return Usage(stderr, $"--url '{url}' is not an absolute http(s) URL");
        }

        var key = keyFile is not null ? (File.Exists(keyFile) ? File.ReadAllText(keyFile).Trim() : null) : environment(AdminKeyVariable)?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            return Usage(stderr, keyFile is not null ? $"--admin-key-file {keyFile}: missing or empty" : $"an admin key is required: --admin-key-file FILE or the environment variable {AdminKeyVariable}");
        }

        return new Options(directory, uri, key, dryRun, json, values, timeout);
    }

    private static Options? Usage(TextWriter stderr, string message)
    {
        stderr.WriteLine($"{Command}: {message}");
        stderr.WriteLine($"usage: ManagementPlane {Command} DIR [--url URL] [--admin-key-file FILE] [--dry-run] [--json] [--named-values FILE] [--named-value NAME=VALUE]... [--timeout SECONDS]");
        return null;
    }

    /// <summary>The folder as a zip (its <c>.git</c> left out, links not followed), with the supplied values inside.</summary>
    private static (byte[]? Zip, string? Error) Zip(string directory, Dictionary<string, string> values, TextWriter stderr)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var pending = new Stack<DirectoryInfo>([new DirectoryInfo(directory)]);
            var root = Path.GetFullPath(directory);
            while (pending.Count > 0)
            {
                var current = pending.Pop();
                foreach (var entry in current.EnumerateFileSystemInfos())
                {
                    var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
                    if (entry.LinkTarget is not null)
                    {
                        stderr.WriteLine($"{Command}: {relative} is a symbolic link; not followed, not sent");
                    }
                    else if (entry is DirectoryInfo folder)
                    {
                        if (folder.Name != ".git")
                        {
                            pending.Push(folder);
                        }
                    }
                    else if (!relative.Equals(ApiOpsFolder.SuppliedValuesPath, StringComparison.OrdinalIgnoreCase) || values.Count == 0)
                    {
                        archive.CreateEntryFromFile(entry.FullName, relative, CompressionLevel.Optimal);
                    }
                }
            }

            if (values.Count > 0)
            {
                var json = new StringBuilder("{");
                foreach (var (name, value) in values)
                {
                    json.Append(json.Length > 1 ? "," : "").Append(JsonSerializer.Serialize(name, ApiJsonContext.Api.String)).Append(':').Append(JsonSerializer.Serialize(value, ApiJsonContext.Api.String));
                }

                using var stream = archive.CreateEntry(ApiOpsFolder.SuppliedValuesPath).Open();
                stream.Write(Encoding.UTF8.GetBytes(json.Append('}').ToString()));
            }
        }

        return (buffer.ToArray(), null);
    }
}
