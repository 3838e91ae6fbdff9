using System.Text.Json;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>mock-response</c>: its status code is an HTTP status (100–599) and its content type a media type, since the
/// gateway writes both into the response as they are.
/// </summary>
internal sealed class MockResponseRule : IPolicyRule
{
    public const string Type = "mock-response";

    public bool AppliesTo(string type) => type == Type;

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var attributes = item.Policy.Attributes;
        if (attributes is null)
        {
            return;
        }

        if (attributes.TryGetValue("statusCode", out var status) && status.ValueKind == JsonValueKind.Number
            && (!status.TryGetInt32(out var code) || code is < 100 or > 599))
        {
            context.Error($"{item.Path}.statusCode", "expected an HTTP status code, 100 to 599");
        }

        if (attributes.TryGetValue("contentType", out var type) && type.ValueKind == JsonValueKind.String
            && !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type.GetString(), out _))
        {
            context.Error($"{item.Path}.contentType", $"'{type.GetString()}' is not a media type (like application/json)");
        }
    }
}
