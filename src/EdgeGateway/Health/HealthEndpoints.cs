using System.Text.Json;
using EdgeGateway.Configuration;
using EdgeGateway.Backup;
using EdgeGateway.Errors;
using EdgeGateway.Sync;

namespace EdgeGateway.Health;

/// <summary>
/// Liveness, readiness and APIM's status probe (empty on the public port; the JSON is on the admin listener).
/// Ready means a verified config is loaded (even a stale one: serving the last good config is the point of failing static)
/// and, when rate-limit counters fail closed, their Redis has answered once (before that every rate-limited request gets 503).
/// </summary>
internal sealed class HealthEndpoints(ConfigState state, TimeProvider time, IServiceProvider services)
{
    private readonly SyncStatus? sync = services.GetService<SyncStatus>();
    private readonly BackupStatus? backup = services.GetService<BackupStatus>();
    private readonly Policies.Redis.RedisStores? redis = services.GetService<Policies.PolicyServices>()?.Redis;

    /// <summary>Prometheus text (Telemetry:Prometheus:Enabled), served here only when there is no admin listener to serve it.</summary>
    private readonly Telemetry.Export.TelemetryExport? publicMetrics =
        Hosting.GatewayHostBuilder.AdminEndpoints(services.GetRequiredService<GatewaySettings>().Gateway).Count == 0
            ? services.GetService<Telemetry.Export.TelemetryExport>() : null;

    public const string Live = "/healthz/live";
    public const string Ready = "/healthz/ready";
    public const string ApimStatus = "/status-0123456789abcdef";
    public const string Metrics = "/metrics";

    private readonly DateTimeOffset started = time.GetUtcNow();

    /// <summary>Paths under the gateway's own prefixes never reach an API, not even one mounted at the root.</summary>
    public static bool IsReserved(string path)
    {
        foreach (var reserved in Contracts.Snapshot.ApiPath.Reserved)
        {
            if (path.StartsWith(reserved, StringComparison.OrdinalIgnoreCase)
                && (path.Length == reserved.Length || path[reserved.Length] == '/'))
            {
                return true;
            }
        }

        return false;
    }

    public bool TryHandle(HttpContext context, string path, out Task task)
    {
        if (path.Equals(Live, StringComparison.OrdinalIgnoreCase))
        {
            task = Plain(context, 200, "live");
            return true;
        }

        if (path.Equals(Ready, StringComparison.OrdinalIgnoreCase))
        {
            task = state.Current is null ? Plain(context, 503, "not ready: no verified config loaded yet")
                : redis is { Ready: false } ? Plain(context, 503, "not ready: rate-limit counters fail closed and their Redis has not answered yet")
                : Plain(context, 200, "ready");
            return true;
        }

        if (path.Equals(ApimStatus, StringComparison.OrdinalIgnoreCase))
        {
            // Empty, as APIM's: paths, URLs, store names and errors are for the admin listener (Gateway:AdminUrls).
            context.Response.StatusCode = state.Current is null ? 503 : 200;
            context.Response.Headers.CacheControl = "no-store";
            task = Task.CompletedTask;
            return true;
        }

        if (publicMetrics?.Scrape is { } scrape && path.Equals(Metrics, StringComparison.OrdinalIgnoreCase))
        {
            task = scrape(context);
            return true;
        }

        task = Task.CompletedTask;
        return false;
    }

    public StatusBody Snapshot()
    {
        var now = time.GetUtcNow();
        var runtime = state.Current;
        var failure = state.LastFailure;
        return new StatusBody(
            runtime is null ? "starting" : "ready",
            ThisAssembly.Version,
            runtime?.Revision,
            runtime?.Source,
            runtime is null ? null : (long)(now - runtime.LoadedAt).TotalSeconds,
            runtime?.Apis.Length,
            (long)(now - started).TotalSeconds,
            failure is null ? null : new LastError(failure.Source, failure.Problems, failure.At),
            sync?.Snapshot(now),
            backup?.Snapshot(now))
        {
            Redis = redis?.Status(now) ?? Policies.Redis.RedisStores.None,
        };
    }

    /// <summary>The full status JSON: only on the admin listener.</summary>
    public Task WriteStatusAsync(HttpContext context)
    {
        var body = Snapshot();
        context.Response.StatusCode = body.State == "ready" ? 200 : 503;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, GatewayJsonContext.Default.StatusBody, context.RequestAborted);
    }

    private static Task Plain(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(text);
    }
}

internal sealed record StatusBody(
    string State,
    string Version,
    long? Revision,
    string? ConfigSource,
    long? ConfigAgeSeconds,
    int? Apis,
    long UptimeSeconds,
    LastError? LastConfigError,
    SyncStatusBody? ManagementPlane,
    BackupStatusBody? Backup)
{
    /// <summary>Where rate-limit counters and cached responses live: Redis (connected, or falling back since when) or this process.</summary>
    public Policies.Redis.RedisStatusBody? Redis { get; init; }
}

internal sealed record LastError(string Source, IReadOnlyList<string> Problems, DateTimeOffset At);

internal static class ThisAssembly
{
    public static readonly string Version = typeof(ThisAssembly).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
