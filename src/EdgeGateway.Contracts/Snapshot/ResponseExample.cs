namespace EdgeGateway.Contracts.Snapshot;

/// <summary>
/// One example response of an operation, as an OpenAPI document gives it: the status, the media type, and the body as
/// text (a JSON example serialised as JSON). What <c>mock-response</c> answers with.
/// </summary>
public sealed record ResponseExample
{
    public int? StatusCode { get; init; }

    public string? ContentType { get; init; }

    public string? Body { get; init; }

    /// <summary>
    /// The example mock-response answers with (APIM): the first with <paramref name="statusCode"/> and, when one is given,
    /// <paramref name="contentType"/> (media types compared case-insensitively, parameters included); null when none.
    /// Both planes select through here, so a gateway is sent exactly the examples it will answer with.
    /// </summary>
    public static ResponseExample? Select(IReadOnlyList<ResponseExample?>? examples, int statusCode, string? contentType)
    {
        foreach (var example in examples ?? [])
        {
            if (example is not null && example.StatusCode == statusCode
                && (contentType is null || string.Equals(example.ContentType, contentType, StringComparison.OrdinalIgnoreCase)))
            {
                return example;
            }
        }

        return null;
    }
}
