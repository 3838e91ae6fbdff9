using System.Diagnostics;

namespace EdgeGateway.Telemetry;

/// <summary>
/// <c>Telemetry:Tracing:AcceptIncoming=false</c>: ASP.NET Core's hosting reads a request's parent trace through the
/// <see cref="DistributedContextPropagator"/> in the services; this one extracts nothing, so every request starts a new
/// trace (a client cannot join, or pick the trace id of, the gateway's spans). Injecting is the default propagator's.
/// The backend gets the gateway's trace context in place of the client's (<see cref="Proxy.BackendHandler"/>).
/// </summary>
internal sealed class IgnoreIncomingPropagator : DistributedContextPropagator
{
    private static readonly DistributedContextPropagator Inner = CreateDefaultPropagator();

    public override IReadOnlyCollection<string> Fields => Inner.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) => Inner.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;
}
