using EdgeGateway.Routing;

namespace EdgeGateway.Configuration;

/// <summary>
/// The one mutable thing on the request path: a reference to the current runtime, swapped atomically.
/// Also remembers the last refused config so status endpoints can say why a change did not apply.
/// </summary>
internal sealed class ConfigState(TimeProvider time)
{
    private volatile GatewayRuntime? current;
    private volatile ConfigFailure? lastFailure;

    public event Action<GatewayRuntime>? Applied;

    public GatewayRuntime? Current => current;

    public ConfigFailure? LastFailure => lastFailure;

    public void Apply(GatewayRuntime runtime)
    {
        current = runtime;
        lastFailure = null;
        Applied?.Invoke(runtime);
    }

    public void ClearFailure() => lastFailure = null;

    public void Refuse(string source, IReadOnlyList<string> problems) =>
        lastFailure = new ConfigFailure(source, problems, time.GetUtcNow());
}

internal sealed record ConfigFailure(string Source, IReadOnlyList<string> Problems, DateTimeOffset At);
