namespace EdgeGateway.Contracts.Snapshot;

/// <summary>The values of <see cref="OperationDefinition.Method"/>: an upper-case HTTP method, or <see cref="Any"/>.</summary>
public static class OperationMethods
{
    /// <summary>Matches every method.</summary>
    public const string Any = "*";

    /// <summary>Every accepted value, in the order error messages list them.</summary>
    public static IReadOnlyList<string> All { get; } = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", Any];
}
