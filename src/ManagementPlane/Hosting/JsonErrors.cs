using System.Text.Json;

namespace ManagementPlane.Hosting;

/// <summary>Serializer exceptions as a JSON path and a message a user can act on (never echoing values).</summary>
internal static class JsonErrors
{
    public static ProblemError Describe(JsonException ex)
    {
        var path = ToPath(ex.Path);
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1})" : "";
        var message = ex.Message;
        const string unmapped = "could not be mapped to any .NET member";
        if (message.Contains(unmapped, StringComparison.Ordinal))
        {
            var name = Between(message, "The JSON property '", "'");
            var fieldPath = path.EndsWith(name, StringComparison.Ordinal) ? path : path.Length == 0 ? name : $"{path}.{name}";
            return new ProblemError(fieldPath, "unknown field (check its spelling; unknown fields are rejected)" + where);
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return new ProblemError(path, "wrong type for this field" + where);
        }

        var reason = message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
        return new ProblemError(path, $"malformed JSON: {reason}{where}");
    }

    private static string ToPath(string? jsonPath)
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

        var rest = text[(i + start.Length)..];
        var j = rest.IndexOf(end, StringComparison.Ordinal);
        return j < 0 ? rest : rest[..j];
    }
}
