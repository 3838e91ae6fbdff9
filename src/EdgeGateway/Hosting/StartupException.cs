namespace EdgeGateway.Hosting;

/// <summary>Misconfiguration found at start: each failure names the setting to fix. The only exception start-up throws on purpose.</summary>
internal sealed class StartupException(IReadOnlyList<string> failures) : Exception(string.Join("; ", failures))
{
    public StartupException(string failure)
        : this([failure])
    {
    }

    public IReadOnlyList<string> Failures { get; } = failures;
}
