namespace EdgeGateway.Contracts.Snapshot;

/// <summary>The values of <see cref="ProductDefinition.State"/> (APIM's names).</summary>
public static class ProductStates
{
    public const string Published = "published";

    /// <summary>Grants nothing: its subscriptions do not open its APIs.</summary>
    public const string NotPublished = "notPublished";

    /// <summary>What an absent value means.</summary>
    public const string Default = Published;

    /// <summary>Every accepted value, in the order error messages list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Published, NotPublished];
}
