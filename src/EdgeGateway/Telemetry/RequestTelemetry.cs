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

    /// <summary>Anything that would use a <see cref="RequestFacts"/>: a metric listener, a recorded activity, the access log.</summary>
    public bool Observed => AccessLog is not null || Recorded(Activity.Current) is not null || GatewayTelemetry.Requests.Enabled
        || GatewayTelemetry.RequestDuration.Enabled || GatewayTelemetry.BackendDuration.Enabled || GatewayTelemetry.Io.Enabled;

    /// <summary>
    /// <paramref name="activity"/> when a listener records it, else null. ASP.NET Core's hosting makes an activity of its own
    /// (<c>new Activity(name)</c>, from the unnamed default source, with IsAllDataRequested true) whenever its logger or a
    /// diagnostic listener is on: nobody exports that one, so it gets no tags or events. Only an activity a listener sampled
    /// comes from a named source.
    /// </summary>
    public static Activity? Recorded(Activity? activity) =>
        activity is { IsAllDataRequested: true } && activity.Source.Name.Length != 0 ? activity : null;

    /// <summary>The facts object for a request that is observed, else null (nothing allocated).</summary>
    public RequestFacts? Begin() => Observed ? new RequestFacts(Activity.Current, time.GetUtcNow()) : null;

    /// <summary>A refusal the handler decided itself (the subscription key): counted, and on the span as an event.</summary>
    public void Rejected(RequestFacts? facts, string apiId, string reason, string errorSource, string errorReason, string message)
    {
        if (GatewayTelemetry.Rejections.Enabled)
        {
            var tags = new TagList { { GatewayAttributes.RejectionReason, reason } };
            AddCommon(ref tags, apiId, GatewayId);
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
            Describe(activity, context.Request, facts.Api);
        }

        AccessLog?.Offer(context, facts, run, elapsed, GatewayId);
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

    /// <summary>
    /// OpenTelemetry's HTTP server attributes, which ASP.NET Core's own activity does not carry (its name is
    /// <c>Microsoft.AspNetCore.Hosting.HttpRequestIn</c> and it has no tags unless an instrumentation library adds them):
    /// the span is named <c>{method} {API path}</c> (low cardinality, as <c>http.route</c> would be). Never the query
    /// (it may hold the subscription key). An instrumentation that already named the span is left alone.
    /// </summary>
    internal static void Describe(Activity activity, HttpRequest request, Routing.ApiRoute? api)
    {
        // Semconv: a method outside the nine known ones is _OTHER (the raw token in http.request.method_original) and names the
        // span "HTTP": a scanner's random methods must not make unbounded span names.
        var method = KnownMethod(request.Method);
        var spanMethod = method ?? "HTTP";
        if (activity.DisplayName == activity.OperationName)
        {
            activity.DisplayName = api is null ? spanMethod : string.Concat(spanMethod, " ", api.Prefix.Length == 0 ? "/" : api.Prefix);
        }

        activity.SetTag("http.request.method", method ?? "_OTHER");
        if (method is null)
        {
            activity.SetTag("http.request.method_original", request.Method);
        }

        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        if (request.Host.HasValue)
        {
            activity.SetTag("server.address", request.Host.Host);
            if (request.Host.Port is { } port)
            {
                activity.SetTag("server.port", port);
            }
        }

        activity.SetTag("network.protocol.version", request.Protocol switch
        {
            "HTTP/1.1" => "1.1",
            "HTTP/2" => "2",
            "HTTP/3" => "3",
            "HTTP/1.0" => "1.0",
            var other => other,
        });
    }

    /// <summary>The method's canonical name when it is one of HTTP's nine (case-sensitive, as methods are); null otherwise.</summary>
    internal static string? KnownMethod(string method) => method switch
    {
        "GET" => HttpMethods.Get,
        "HEAD" => HttpMethods.Head,
        "POST" => HttpMethods.Post,
        "PUT" => HttpMethods.Put,
        "DELETE" => HttpMethods.Delete,
        "CONNECT" => HttpMethods.Connect,
        "OPTIONS" => HttpMethods.Options,
        "TRACE" => HttpMethods.Trace,
        "PATCH" => HttpMethods.Patch,
        _ => null,
    };

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
