using System.Text;
using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Microsoft.OpenApi.YamlReader;

namespace ManagementPlane.Import;

/// <summary>
/// Reads an OpenAPI document (JSON or YAML; Swagger 2.0, OpenAPI 3.0 or 3.1) and turns its paths into operations:
/// one per path and method, the URL template being the path, the id the operationId (made a valid id) or derived
/// from method and path, with its example responses (<see cref="ExampleReader"/>) for mock-response. Paths the gateway
/// cannot route are skipped and reported, not fatal.
/// </summary>
internal static partial class OpenApiImporter
{
    public static ImportParse Parse(byte[] content)
    {
        var text = Encoding.UTF8.GetString(content).TrimStart('\uFEFF');
        var format = text.TrimStart().StartsWith('{') ? "json" : "yaml";
        var settings = new OpenApiReaderSettings();
        settings.TryAddReader("yaml", new OpenApiYamlReader());
        settings.TryAddReader("yml", new OpenApiYamlReader());
        ReadResult read;
        try
        {
            read = OpenApiDocument.Parse(text, format, settings);
        }
        catch (Exception ex) when (ex is OpenApiException or FormatException or InvalidOperationException or ArgumentException or System.Text.Json.JsonException)
        {
            return new ImportParse(null, null, null, [], [new ConfigError("", $"not a readable OpenAPI document ({format}): {ex.Message}")]);
        }

        var document = read.Document;
        if (document is null || document.Paths is null)
        {
            var errors = read.Diagnostic?.Errors.Select(e => new ConfigError(e.Pointer ?? "", e.Message)).ToList() ?? [];
            return new ImportParse(null, null, null, [], errors.Count > 0 ? errors : [new ConfigError("", "not an OpenAPI document (no 'paths')")]);
        }

        var operations = new List<OperationDefinition>();
        var skipped = new List<SkippedOperation>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var shapes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document.Paths)
        {
            if (item.Operations is null)
            {
                continue;
            }

            foreach (var (httpMethod, operation) in item.Operations)
            {
                var method = httpMethod.Method.ToUpperInvariant();
                if (!UrlTemplate.TryParse(path, out var template, out var templateError))
                {
                    skipped.Add(new SkippedOperation(method, path, templateError!));
                    continue;
                }

                if (!shapes.Add(method + " " + template!.ShapeKey))
                {
                    skipped.Add(new SkippedOperation(method, path, "matches the same requests as an earlier operation"));
                    continue;
                }

                var id = UniqueId(MakeId(operation.OperationId) ?? MakeId($"{method.ToLowerInvariant()}{path}") ?? "operation", ids);
                operations.Add(new OperationDefinition
                {
                    Id = id,
                    Name = Trim(operation.Summary) ?? Trim(operation.OperationId),
                    Method = method,
                    UrlTemplate = path,
                    Examples = ExampleReader.Read(operation),
                });
            }
        }

        var backend = document.Servers?.Select(s => s.Url).FirstOrDefault(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("http", StringComparison.Ordinal));
        return new ImportParse(Trim(document.Info?.Title), backend?.TrimEnd('/'), operations, skipped, []);
    }

    /// <summary>An id the validator accepts, or null when nothing usable is left.</summary>
    public static string? MakeId(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var id = InvalidIdChars().Replace(text.Trim(), "-");
        id = RepeatedDashes().Replace(id, "-").Trim('-', '.', '_');
        if (id.Length > 80)
        {
            id = id[..80].TrimEnd('-', '.', '_');
        }

        return SnapshotValidator.IsValidId(id) ? id : null;
    }

    private static string UniqueId(string id, HashSet<string> taken)
    {
        var candidate = id;
        for (var n = 2; !taken.Add(candidate); n++)
        {
            var suffix = "-" + n;
            candidate = (id.Length + suffix.Length > 80 ? id[..(80 - suffix.Length)] : id) + suffix;
        }

        return candidate;
    }

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex InvalidIdChars();

    [GeneratedRegex("-{2,}")]
    private static partial Regex RepeatedDashes();
}

internal sealed record ImportParse(string? Title, string? BackendUrl, List<OperationDefinition>? Operations, List<SkippedOperation> Skipped, List<ConfigError> Errors);

internal sealed record SkippedOperation(string Method, string Path, string Reason);

/// <summary>What an import created, and which paths it could not turn into operations.</summary>
internal sealed record ImportResult(ApiDefinition Api, IReadOnlyList<SkippedOperation> Skipped);
