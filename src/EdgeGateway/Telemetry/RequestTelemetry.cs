using System.Diagnostics;
using EdgeGateway.Policies;

namespace EdgeGateway.Telemetry;

/// <summary>
/// Records one request's telemetry at its end: the request metrics, the server span's attributes and status, and the
/// access log line. Every path checks first whether anyone listens, so an unobserved gateway pays a few branches.
/// </summary>
internal sealed class RequestTelemetry(string? gatewayId, AccessLog? accessLog, TimeProvider time)
{
    public string? GatewayId { get; } = gatewayId;

    public AccessLog? AccessLog { get; } = accessLog;

    /// <summary>Anything that would use a <see cref="RequestFacts"/>: a metric listener, an activity, the access log.</summary>
    public bool Observed => Activity.Current is not null || AccessLog is not null || GatewayTelemetry.Requests.Enabled
        || GatewayTelemetry.RequestDuration.Enabled || GatewayTelemetry.BackendDuration.Enabled || GatewayTelemetry.Io.Enabled;

    /// <summary>The facts object for a request that is observed, else null (nothing allocated).</summary>
    public RequestFacts? Begin() => Observed ? new RequestFacts(Activity.Current, time.GetUtcNow()) : null;

    /// <summary>A refusal the handler decided itself (the subscription key): counted, and on the span as an event.</summary>
    public void Rejected(RequestFacts? facts, string reason, string errorSource, string errorReason, string message)
    {
        if (GatewayTelemetry.Rejections.Enabled)
        {
            var tags = new TagList { { GatewayAttributes.RejectionReason, reason } };
            AddCommon(ref tags, facts?.Api?.Id, GatewayId);
            GatewayTelemetry.Rejections.Add(1, tags);
        }

        if (facts is not null)
        {
            facts.ErrorSource = errorSource;
            facts.ErrorReason = errorReason;
            facts.ErrorMessage = message;
            facts.Activity?.AddEvent(new ActivityEvent(errorSource, tags: new ActivityTagsCollection
            {
                { GatewayAttributes.ErrorReason, errorReason },
                { GatewayAttributes.PolicySection, "inbound" },
            }));
        }
    }

    /// <summary>The request is answered (or abandoned): metrics, span, access log.</summary>
    public void Finish(HttpContext context, RequestFacts facts, PolicyRun? run, TimeSpan elapsed)
    {
        var status = context.Response.StatusCode;
        var apiId = facts.Api?.Id;
        if (GatewayTelemetry.Requests.Enabled || GatewayTelemetry.RequestDuration.Enabled)
        {
            var tags = new TagList { { GatewayAttributes.StatusClass, GatewayAttributes.StatusClassOf(status) } };
            AddCommon(ref tags, apiId, GatewayId);
            if (facts.OperationId is { } operation)
            {
                tags.Add(GatewayAttributes.OperationId, operation);
            }

            if (facts.ProductId is { } product)
            {
                tags.Add(GatewayAttributes.ProductId, product);
            }

            GatewayTelemetry.Requests.Add(1, tags);
            GatewayTelemetry.RequestDuration.Record(elapsed.TotalSeconds, tags);
        }

        if (facts.BackendStatus != 0 && GatewayTelemetry.BackendDuration.Enabled)
        {
            var tags = new TagList { { GatewayAttributes.StatusClass, GatewayAttributes.StatusClassOf(facts.BackendStatus) } };
            AddCommon(ref tags, apiId, GatewayId);
            GatewayTelemetry.BackendDuration.Record(facts.BackendElapsed.TotalSeconds, tags);
        }

        if (GatewayTelemetry.Io.Enabled)
        {
            RecordIo(context.Request.ContentLength, "receive", apiId);
            RecordIo(context.Response.ContentLength, "transmit", apiId);
        }

        if (facts.Activity is { } activity)
        {
            Enrich(activity, facts, run, status);
        }

        AccessLog?.Offer(context, facts, run, elapsed, GatewayId);
    }

    /// <summary>A request that ended before routing (no config yet): counted without an API.</summary>
    public void NotReady(int status)
    {
        if (GatewayTelemetry.Requests.Enabled)
        {
            var tags = new TagList { { GatewayAttributes.StatusClass, GatewayAttributes.StatusClassOf(status) } };
            AddCommon(ref tags, null, GatewayId);
            GatewayTelemetry.Requests.Add(1, tags);
            GatewayTelemetry.RequestDuration.Record(0, tags);
        }
    }

    /// <summary>
    /// Bytes in and out as the request's and response's Content-Length declare them: the cheap honest measure (no stream
    /// wrapper on every body). A chunked body without a Content-Length is not counted; docs/telemetry.md says so.
    /// </summary>
    private void RecordIo(long? bytes, string direction, string? apiId)
    {
        if (bytes is > 0)
        {
            var tags = new TagList { { GatewayAttributes.NetworkIoDirection, direction } };
            AddCommon(ref tags, apiId, GatewayId);
            GatewayTelemetry.Io.Add(bytes.Value, tags);
        }
    }

    private void Enrich(Activity activity, RequestFacts facts, PolicyRun? run, int status)
    {
        if (facts.Api is { } api)
        {
            activity.SetTag(GatewayAttributes.ApiId, api.Id);
        }

        SetIf(activity, GatewayAttributes.OperationId, facts.OperationId);
        SetIf(activity, GatewayAttributes.ProductId, facts.ProductId);
        SetIf(activity, GatewayAttributes.SubscriptionId, facts.SubscriptionId);
        SetIf(activity, GatewayAttributes.GatewayId, GatewayId);
        SetIf(activity, GatewayAttributes.BackendDestination, facts.BackendDestination);
        if (facts.Revision is { } revision)
        {
            activity.SetTag(GatewayAttributes.ConfigRevision, revision);
        }

        activity.SetTag(GatewayAttributes.HttpStatusCode, status);
        if (status >= 500)
        {
            activity.SetTag(GatewayAttributes.ErrorType, run?.LastError?.Reason ?? facts.ErrorReason ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    private static void SetIf(Activity activity, string name, string? value)
    {
        if (value is not null)
        {
            activity.SetTag(name, value);
        }
    }

    internal static void AddCommon(ref TagList tags, string? apiId, string? gatewayId)
    {
        if (apiId is not null)
        {
            tags.Add(GatewayAttributes.ApiId, apiId);
        }

        if (gatewayId is not null)
        {
            tags.Add(GatewayAttributes.GatewayId, gatewayId);
        }
    }
}
