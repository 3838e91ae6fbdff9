using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>An operation's <c>examples</c>: each a status code (100–599), an optional media type and body.</summary>
internal static class ResponseExampleRules
{
    public static void Validate(string path, IReadOnlyList<ResponseExample>? examples, ValidationContext context)
    {
        for (var i = 0; i < (examples?.Count ?? 0); i++)
        {
            var example = examples![i];
            if (example is null)
            {
                context.Error($"{path}[{i}]", "must be an object");
            }
            else if (example.StatusCode is not (>= 100 and <= 599))
            {
                context.Error($"{path}[{i}].statusCode", "required: an HTTP status code, 100 to 599");
            }
            else if (example.ContentType is { } type && !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out _))
            {
                context.Error($"{path}[{i}].contentType", $"'{type}' is not a media type");
            }
        }
    }
}
