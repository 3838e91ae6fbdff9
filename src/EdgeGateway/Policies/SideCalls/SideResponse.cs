using System.Text;
using System.Text.Json;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies.SideCalls;

/// <summary>
/// A send-request's response as later policies read it (<see cref="IPolicyResponse"/>): status, headers and the body,
/// read once when it arrived (at most <see cref="SideCallClient.MaxBodyBytes"/>); its text and JSON are made on first use
/// and kept.
/// </summary>
internal sealed class SideResponse(int statusCode, Dictionary<string, string> headers, byte[] body) : IPolicyResponse
{
    private string? text;
    private JsonElement? json;
    private bool jsonRead;

    public int StatusCode { get; } = statusCode;

    public string BodyText => text ??= Encoding.UTF8.GetString(body);

    public JsonElement? BodyJson
    {
        get
        {
            if (!jsonRead)
            {
                try
                {
                    // A standalone element (no pooled buffers to return): the response lives as long as the request.
                    var reader = new Utf8JsonReader(body);
                    json = JsonElement.ParseValue(ref reader);
                }
                catch (JsonException)
                {
                    json = null; // not JSON: every path reads as null
                }

                jsonRead = true;
            }

            return json;
        }
    }

    public string? Header(string name) => headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Headers and content headers of <paramref name="message"/>, values joined by commas, names case-insensitive.</summary>
    public static Dictionary<string, string> HeadersOf(HttpResponseMessage message)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in message.Headers.NonValidated)
        {
            headers[name] = values.ToString();
        }

        foreach (var (name, values) in message.Content.Headers.NonValidated)
        {
            headers[name] = values.ToString();
        }

        return headers;
    }
}
