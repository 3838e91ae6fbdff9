using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Contracts.Snapshot;
using Microsoft.OpenApi;

namespace ManagementPlane.Import;

/// <summary>
/// An operation's example responses, for mock-response: per status code (a number; "default" and "2XX" ranges are not
/// answers a mock can give) and media type, the first example the document gives (<c>example</c>, else the first of
/// <c>examples</c> with an inline value), in document order. A JSON example is kept as JSON text; a string example of a
/// non-JSON media type as the string itself.
/// </summary>
internal static class ExampleReader
{
    public static List<ResponseExample>? Read(OpenApiOperation operation)
    {
        List<ResponseExample>? examples = null;
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (!int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 100 or > 599)
            {
                continue;
            }

            foreach (var (contentType, media) in response?.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                var value = media?.Example ?? media?.Examples?.Values.Select(e => e?.Value).FirstOrDefault(v => v is not null);
                if (value is null || !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out _))
                {
                    continue;
                }

                (examples ??= []).Add(new ResponseExample { StatusCode = code, ContentType = contentType, Body = Text(value, contentType) });
            }
        }

        return examples;
    }

    private static string Text(JsonNode value, string contentType) =>
        value is JsonValue text && text.GetValueKind() == JsonValueKind.String && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
            ? text.GetValue<string>()
            : value.ToJsonString();
}
