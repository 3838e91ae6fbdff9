using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using EdgeGateway.Policies;

namespace EdgeGateway.Telemetry;

/// <summary>
/// <c>Telemetry:AccessLog:Enabled</c>: one JSON object per request on stdout (console logs are on stderr), with APIM's
/// GatewayLogs field names where they map, for container log collectors. A request only builds an
/// <see cref="AccessLogEntry"/> (strings it already has) and offers it to a bounded channel; one background writer
/// serialises with <see cref="Utf8JsonWriter"/> (no reflection: AOT-safe). A full channel drops the line and counts it
/// (<c>edgegateway.accesslog.dropped</c>, <see cref="Dropped"/>): a slow stdout never holds up a request.
/// Never written: keys (the subscription-key query parameter is cut from Url), tokens, bodies.
/// </summary>
internal sealed class AccessLog
{
    /// <summary>Lines waiting for the writer; beyond this they are dropped.</summary>
    public const int Capacity = 8192;

    private readonly Channel<AccessLogEntry> channel = Channel.CreateBounded<AccessLogEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly double sampleRatio;
    private readonly string? region;
    private readonly Contracts.Net.IpRangeSet trustedProxies;
    private long dropped;

    public AccessLog(double sampleRatio, string? region, Contracts.Net.IpRangeSet trustedProxies)
    {
        this.sampleRatio = sampleRatio;
        this.region = region;
        this.trustedProxies = trustedProxies;
    }

    /// <summary>Lines dropped because the channel was full.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    public ChannelReader<AccessLogEntry> Reader => channel.Reader;

    /// <summary>No more lines: the writer drains what is queued and ends.</summary>
    public void Complete() => channel.Writer.TryComplete();

    /// <summary>
    /// Sampling: <c>Telemetry:AccessLog:SampleRatio</c> of the requests, every request answered 5xx whatever the ratio.
    /// </summary>
    public void Offer(HttpContext context, RequestFacts facts, PolicyRun? run, TimeSpan elapsed, string? gatewayId)
    {
        var status = context.Response.StatusCode;
        if (status < 500 && sampleRatio < 1 && (sampleRatio <= 0 || Random.Shared.NextDouble() >= sampleRatio))
        {
            return;
        }

        var request = context.Request;
        var error = run?.LastError;
        var entry = new AccessLogEntry
        {
            TimeGenerated = facts.StartedAt,
            ApiId = facts.Api?.Id,
            OperationId = facts.OperationId,
            ProductId = facts.ProductId,
            SubscriptionId = facts.SubscriptionId,
            Method = run?.ClientMethod ?? request.Method,
            Url = AccessLogUrl.Of(request, facts.Api?.KeyQuery, facts.KeyQueries),
            ResponseCode = status,
            BackendResponseCode = facts.BackendStatus,
            TotalTimeMs = (long)elapsed.TotalMilliseconds,
            BackendTimeMs = facts.BackendStatus != 0 ? (long)facts.BackendElapsed.TotalMilliseconds : null,
            BackendMethod = facts.BackendMethod,
            BackendUrl = facts.BackendDestination,
            CallerIpAddress = run?.ClientIp ?? Proxy.ClientAddress.Resolve(context, trustedProxies)?.ToString(), // X-Forwarded-For from a trusted proxy
            RequestSize = request.ContentLength,
            ResponseSize = context.Response.ContentLength,
            Cache = run?.Cache is { } cache ? (cache.Hit is not null ? "hit" : "miss") : "none",
            LastErrorReason = error?.Reason ?? facts.ErrorReason,
            LastErrorSource = error?.Source ?? facts.ErrorSource,
            LastErrorSection = error is null ? SectionOf(facts.ErrorSource) : run!.LastErrorSection,
            LastErrorMessage = error?.Message ?? facts.ErrorMessage,
            IsRequestSuccess = status < 400 && error is null && facts.ErrorReason is null,
            CorrelationId = facts.TraceId?.ToHexString(),
            Region = region,
            GatewayId = gatewayId,
            ClientProtocol = request.Protocol,
        };

        if (!channel.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref dropped);
            GatewayTelemetry.AccessLogDropped.Add(1);
        }
    }

    /// <summary>The section of an error the handler recorded itself: a failed forward is the backend's, a refused key inbound.</summary>
    private static string? SectionOf(string? errorSource) => errorSource switch
    {
        null => null,
        PolicyTelemetry.ForwardRequest => "backend",
        _ => "inbound",
    };

    /// <summary>One entry as one JSON line (with its newline) into <paramref name="buffer"/>; absent values are left out.</summary>
    public static void Write(AccessLogEntry e, IBufferWriter<byte> buffer)
    {
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("TimeGenerated", e.TimeGenerated.UtcDateTime);
            String(json, "ApiId", e.ApiId);
            String(json, "OperationId", e.OperationId);
            String(json, "ProductId", e.ProductId);
            String(json, "ApimSubscriptionId", e.SubscriptionId);
            json.WriteString("Method", e.Method);
            json.WriteString("Url", e.Url);
            json.WriteNumber("ResponseCode", e.ResponseCode);
            if (e.BackendResponseCode != 0)
            {
                json.WriteNumber("BackendResponseCode", e.BackendResponseCode);
            }

            json.WriteNumber("TotalTime", e.TotalTimeMs);
            if (e.BackendTimeMs is { } backendTime)
            {
                json.WriteNumber("BackendTime", backendTime);
            }

            String(json, "BackendMethod", e.BackendMethod);
            String(json, "BackendUrl", e.BackendUrl);
            String(json, "CallerIpAddress", e.CallerIpAddress);
            if (e.RequestSize is { } requestSize)
            {
                json.WriteNumber("RequestSize", requestSize);
            }

            if (e.ResponseSize is { } responseSize)
            {
                json.WriteNumber("ResponseSize", responseSize);
            }

            json.WriteString("Cache", e.Cache);
            String(json, "LastErrorReason", e.LastErrorReason);
            String(json, "LastErrorSource", e.LastErrorSource);
            String(json, "LastErrorSection", e.LastErrorSection);
            String(json, "LastErrorMessage", e.LastErrorMessage);
            json.WriteBoolean("IsRequestSuccess", e.IsRequestSuccess);
            String(json, "CorrelationId", e.CorrelationId);
            String(json, "Region", e.Region);
            String(json, "GatewayId", e.GatewayId);
            json.WriteString("ClientProtocol", e.ClientProtocol);
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }

    private static void String(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}

/// <summary>One access log line's values, as the request left them (see <see cref="AccessLog"/>).</summary>
internal sealed class AccessLogEntry
{
    public DateTimeOffset TimeGenerated { get; init; }
    public string? ApiId { get; init; }
    public string? OperationId { get; init; }
    public string? ProductId { get; init; }
    public string? SubscriptionId { get; init; }
    public required string Method { get; init; }
    public required string Url { get; init; }
    public int ResponseCode { get; init; }
    public int BackendResponseCode { get; init; }
    public long TotalTimeMs { get; init; }
    public long? BackendTimeMs { get; init; }
    public string? BackendMethod { get; init; }
    public string? BackendUrl { get; init; }
    public string? CallerIpAddress { get; init; }
    public long? RequestSize { get; init; }
    public long? ResponseSize { get; init; }
    public required string Cache { get; init; }
    public string? LastErrorReason { get; init; }
    public string? LastErrorSource { get; init; }
    public string? LastErrorSection { get; init; }
    public string? LastErrorMessage { get; init; }
    public bool IsRequestSuccess { get; init; }
    public string? CorrelationId { get; init; }
    public string? Region { get; init; }
    public string? GatewayId { get; init; }
    public required string ClientProtocol { get; init; }
}
