namespace EdgeGateway.Hosting;

/// <summary>Misconfiguration found at start: each failure names the setting to fix. The only exception start-up throws on purpose.</summary>
internal sealed class StartupException(IReadOnlyList<string> failures) : Exception(string.Join("; ", failures))
{
    public StartupException(string failure)
        : this([failure])
    {
    }

    public IReadOnlyList<string> Failures { get; } = failures;

    /// <summary>Written straight to stderr: the logger is not built yet, and the process exits next.</summary>
    public static void Report(StartupException ex)
    {
        foreach (var failure in ex.Failures)
        {
            Console.Error.WriteLine($"EdgeGateway: {failure}");
        }
    }
}
