using System.Text.Json;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Snapshot;

/// <summary>Parses snapshot JSON, turning serializer exceptions into errors that name the JSON path.</summary>
public static class SnapshotReader
{
    public static SnapshotParseResult Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.IsEmpty)
        {
            return SnapshotParseResult.Failed(new ConfigError("", "the document is empty"));
        }

        try
        {
            var snapshot = JsonSerializer.Deserialize(utf8Json, SnapshotJsonContext.Default.GatewaySnapshot);
            return snapshot is null
                ? SnapshotParseResult.Failed(new ConfigError("", "the document must be a JSON object, not null"))
                : new SnapshotParseResult(snapshot, []);
        }
        catch (JsonException ex)
        {
            return SnapshotParseResult.Failed(Describe(ex));
        }
    }

    public static byte[] Serialize(GatewaySnapshot snapshot) =>
        JsonSerializer.SerializeToUtf8Bytes(snapshot, SnapshotJsonContext.Default.GatewaySnapshot);

    internal static ConfigError Describe(JsonException ex)
    {
        var path = ToDocumentPath(ex.Path);
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1})" : "";
        var message = ex.Message;

        const string unmappedMarker = "could not be mapped to any .NET member";
        if (message.Contains(unmappedMarker, StringComparison.Ordinal))
        {
            var name = Between(message, "The JSON property '", "'");
            // The reader's path already ends at the unknown property.
            var fieldPath = path.EndsWith(name, StringComparison.Ordinal) ? path : path.Length == 0 ? name : $"{path}.{name}";
            return new ConfigError(fieldPath, "unknown field (check its spelling; unknown fields are rejected)" + where);
        }

        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return new ConfigError(path, "duplicate property" + where);
        }

        if (message.Contains("could not be converted to", StringComparison.Ordinal))
        {
            var target = Between(message, "could not be converted to ", ".", lastDot: true);
            return new ConfigError(path, $"expected {Expected(target)}{where}");
        }

        if (message.Contains("TimeSpan", StringComparison.Ordinal))
        {
            return new ConfigError(path, "expected a duration like \"00:00:30\"" + where);
        }

        // Syntax errors: the reader's own message is already precise about what it saw.
        var reason = message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
        return new ConfigError(path, $"malformed JSON: {reason}{where}");
    }

    private static string Expected(string clrType) => clrType switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "a whole number",
        "System.String" => "a string",
        "System.Boolean" or "System.Nullable`1[System.Boolean]" => "true or false",
        var t when t.Contains("TimeSpan", StringComparison.Ordinal) => "a duration like \"00:00:30\"",
        var t when t.Contains("IReadOnlyList", StringComparison.Ordinal) => "an array",
        var t when t.Contains("Dictionary", StringComparison.Ordinal) => "an object",
        _ => "an object",
    };

    private static string ToDocumentPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "";
        }

        var path = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        return path.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal);
    }

    private static string Between(string text, string start, string end, bool lastDot = false)
    {
        var i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0)
        {
            return "";
        }

        i += start.Length;
        var rest = text[i..];
        if (lastDot)
        {
            // CLR type names contain dots: cut at ". Path" which ends the sentence.
            var cut = rest.IndexOf(". Path", StringComparison.Ordinal);
            return cut < 0 ? rest.TrimEnd('.') : rest[..cut];
        }

        var j = rest.IndexOf(end, StringComparison.Ordinal);
        return j < 0 ? rest : rest[..j];
    }
}

public sealed record SnapshotParseResult(GatewaySnapshot? Snapshot, IReadOnlyList<ConfigError> Errors)
{
    public static SnapshotParseResult Failed(ConfigError error) => new(null, [error]);
}
