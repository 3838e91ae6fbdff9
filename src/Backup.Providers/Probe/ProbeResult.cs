namespace Backup.Providers.Probe;

/// <summary>One step of a probe: what was tried, whether it worked, and what an operator should read.</summary>
public sealed record ProbeStep(string Name, bool Succeeded, string Message, TimeSpan Duration);

/// <summary>The outcome of <see cref="StoreProbe.RunAsync(IObjectStore, CancellationToken)"/>.</summary>
public sealed record ProbeResult(string Store, IReadOnlyList<ProbeStep> Steps)
{
    public bool Succeeded => Steps.Count > 0 && Steps.All(s => s.Succeeded);
}
