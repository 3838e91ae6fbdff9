namespace EdgeGateway.Policies;

/// <summary>APIM's <c>exists-action</c> of set-header and set-query-parameter.</summary>
internal enum ExistsAction
{
    Override,
    Skip,
    Append,
    Delete,
}

internal static class ExistsActions
{
    public static ExistsAction Parse(string? text) => text switch
    {
        null or "override" => ExistsAction.Override,
        "skip" => ExistsAction.Skip,
        "append" => ExistsAction.Append,
        "delete" => ExistsAction.Delete,
        _ => throw new InvalidOperationException($"validated existsAction '{text}' is unknown"),
    };
}
