using System.Diagnostics;

namespace EdgeGateway.Telemetry;

/// <summary>
/// What one request's telemetry needs to know, gathered along the request path: made only when something observes the
/// gateway (a metric listener, a sampled span, the access log; see <see cref="RequestTelemetry.Observed"/>), so a
/// gateway nobody watches allocates nothing for it.
/// </summary>
internal sealed class RequestFacts(Activity? activity, DateTimeOffset startedAt)
{
    /// <summary>The server span (ASP.NET Core's hosting activity) when it records data; null otherwise.</summary>
    public Activity? Activity { get; } = RequestTelemetry.Recorded(activity);

    /// <summary>The trace id of the request's activity, recorded or not: the access log's CorrelationId.</summary>
    public ActivityTraceId? TraceId { get; } = activity?.TraceId;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public Routing.ApiRoute? Api { get; set; }

    public string? OperationId { get; set; }

    public string? ProductId { get; set; }

    public string? SubscriptionId { get; set; }

    public long? Revision { get; set; }

    /// <summary>The applied config's subscription-key query names (see <see cref="Routing.GatewayRuntime.KeyQueries"/>); null before the first config.</summary>
    public IReadOnlySet<string>? KeyQueries { get; set; }

    /// <summary>The backend's base URL once a forward started.</summary>
    public string? BackendDestination { get; set; }

    /// <summary>The method the backend got.</summary>
    public string? BackendMethod { get; set; }

    /// <summary>The backend's status code; 0 when no backend answered.</summary>
    public int BackendStatus { get; set; }

    public TimeSpan BackendElapsed { get; set; }

    /// <summary>A refusal decided outside the policies (the subscription key), or the reason/source of an error the handler made.</summary>
    public string? ErrorSource { get; set; }

    public string? ErrorReason { get; set; }

    public string? ErrorMessage { get; set; }
}
