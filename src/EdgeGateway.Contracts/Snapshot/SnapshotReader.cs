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

    /// <summary>A serializer exception as a JSON path and a message a user can act on (never echoing values).</summary>
    public static ConfigError Describe(JsonException ex)
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
            var hint = FieldSuggestions.Nearest(Between(message, "contained in type '", "'"), name) is { } known
                ? $"did you mean '{known}'? unknown fields are rejected"
                : "check its spelling; unknown fields are rejected";
            return new ConfigError(fieldPath, $"unknown field ({hint}){where}");
        }

        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return new ConfigError(path, "duplicate property" + where);
        }

        if (message.Contains("could not be converted to", StringComparison.Ordinal) || message.Contains("TimeSpan", StringComparison.Ordinal))
        {
            // The source-generated reader names the parent type, not the field's: the field name says what was expected.
            var field = LastPropertyName(path);
            return new ConfigError(path, $"expected {(FieldKinds.TryGetValue(field, out var kind) ? kind : "a value of another type")}{where}");
        }

        // Syntax errors: the reader's own message is already precise about what it saw.
        var reason = message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
        return new ConfigError(path, $"malformed JSON: {reason}{where}");
    }

    private const string Duration = "a duration like \"00:00:30\"";

    private static readonly Dictionary<string, string> FieldKinds = new(StringComparer.Ordinal)
    {
        ["schemaVersion"] = "a whole number", ["revision"] = "a whole number",
        ["unhealthyThreshold"] = "a whole number", ["healthyThreshold"] = "a whole number",
        ["subscriptionRequired"] = "true or false", ["secret"] = "true or false",
        ["timeout"] = Duration, ["interval"] = Duration,
        ["apis"] = "an array", ["products"] = "an array", ["subscriptions"] = "an array", ["namedValues"] = "an array",
        ["operations"] = "an array", ["urls"] = "an array", ["inbound"] = "an array", ["backend"] = "an object",
        ["outbound"] = "an array", ["onError"] = "an array", ["policies"] = "an object", ["healthCheck"] = "an object",
        ["subscriptionKeyParameterNames"] = "an object",
        ["id"] = "a string", ["name"] = "a string", ["path"] = "a string", ["gatewayId"] = "a string", ["method"] = "a string",
        ["urlTemplate"] = "a string", ["scope"] = "a string", ["state"] = "a string", ["value"] = "a string", ["type"] = "a string",
        ["loadBalancing"] = "a string", ["protocol"] = "a string", ["header"] = "a string", ["query"] = "a string",
        ["primaryKey"] = "a string", ["secondaryKey"] = "a string", ["primaryKeyHash"] = "a string", ["secondaryKeyHash"] = "a string",
        ["certificates"] = "an array", ["thumbprint"] = "a string", ["data"] = "a base64 string",
        ["urls[]"] = "a string", ["apis[]"] = "an object or, in a product, an API id string",
    };

    private static string LastPropertyName(string path)
    {
        var trimmed = path;
        while (trimmed.EndsWith(']'))
        {
            trimmed = trimmed[..trimmed.LastIndexOf('[')];
        }

        var dot = trimmed.LastIndexOf('.');
        var name = dot < 0 ? trimmed : trimmed[(dot + 1)..];

        // An array element of a known field is an object or a string, not the array itself.
        return trimmed.Length != path.Length ? name + "[]" : name;
    }

    private static string ToDocumentPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "";
        }

        var path = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        return path.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal);
    }

    private static string Between(string text, string start, string end)
    {
        var i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0)
        {
            return "";
        }

        i += start.Length;
        var rest = text[i..];
        var j = rest.IndexOf(end, StringComparison.Ordinal);
        return j < 0 ? rest : rest[..j];
    }
}

public sealed record SnapshotParseResult(GatewaySnapshot? Snapshot, IReadOnlyList<ConfigError> Errors)
{
    public static SnapshotParseResult Failed(ConfigError error) => new(null, [error]);
}
