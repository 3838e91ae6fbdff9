using System.Text.Json;

namespace ManagementPlane.Import.ApiOps;

/// <summary>
/// Reads the extractor's <c>*Information.json</c> files: ARM resources whose fields are under <c>properties</c>. Read
/// as a <see cref="JsonDocument"/> (no types to bind, AOT-safe), since APIM adds fields with every API version and
/// only a few matter here.
/// </summary>
internal static class ApiOpsJson
{
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The <c>properties</c> object (or the root when there is none); null with a reason when unreadable.</summary>
    public static (JsonElement? Properties, string? Error) Properties(byte[] bytes)
    {
        try
        {
            var root = JsonDocument.Parse(bytes, Options).RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "not a JSON object");
            }

            return (root.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object ? properties : root, null);
        }
        catch (JsonException ex)
        {
            return (null, "not valid JSON: " + ex.Message);
        }
    }

    /// <summary>An <c>apis.json</c>: a list of API names, as strings or as objects with a <c>name</c>.</summary>
    public static (List<string>? Names, string? Error) Names(byte[] bytes)
    {
        try
        {
            var root = JsonDocument.Parse(bytes, Options).RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return (null, "not a JSON array of API names");
            }

            var names = new List<string>();
            foreach (var item in root.EnumerateArray())
            {
                var name = item.ValueKind == JsonValueKind.String ? item.GetString() : String(item, "name");
                if (string.IsNullOrWhiteSpace(name))
                {
                    return (null, "an item is neither an API name nor an object with 'name'");
                }

                names.Add(name);
            }

            return (names, null);
        }
        catch (JsonException ex)
        {
            return (null, "not valid JSON: " + ex.Message);
        }
    }

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool? Bool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    public static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static bool Has(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    /// <summary>The operator's supplied values: a JSON object of name → string.</summary>
    public static (Dictionary<string, string>? Values, string? Error) Values(byte[] bytes)
    {
        try
        {
            var root = JsonDocument.Parse(bytes, Options).RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "not a JSON object of named value → value");
            }

            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in root.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    return (null, $"the value of '{property.Name}' is not a string");
                }

                values[property.Name] = property.Value.GetString()!;
            }

            return (values, null);
        }
        catch (JsonException ex)
        {
            return (null, "not valid JSON: " + ex.Message);
        }
    }
}
