using System.Net;
using System.Text;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using EdgeGateway.Policies;
using EdgeGateway.Routing;
using EdgeGateway.Subscriptions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace EdgeGateway.Bench;

/// <summary>
/// One standalone snapshot compiled as a gateway compiles it (GatewayRuntime, its PipelineSets), and one request that
/// goes through it call after call: what GatewayRequestHandler does before forwarding (route, subscription key, pipeline
/// choice, the inbound and backend sections) plus the outbound section the transformer runs on the response. Forwarding
/// itself is not in it.
/// </summary>
internal sealed class PipelineScenario
{
    public const string Key = "bench-key-123";
    private const string Path = "/api/x";

    private readonly GatewayRuntime runtime;
    private readonly DefaultHttpContext http = new();
    private readonly KeyValuePair<string, StringValues>[] headers;

    private PipelineScenario(GatewayRuntime runtime, KeyValuePair<string, StringValues>[] headers)
    {
        this.runtime = runtime;
        this.headers = headers;
        http.Request.Method = HttpMethods.Get;
        http.Request.Path = Path;
        http.Connection.RemoteIpAddress = IPAddress.Loopback;
    }

    /// <summary>A gateway serving <c>/api</c> with <paramref name="inbound"/> (a JSON array) as the API's inbound policies.</summary>
    public static PipelineScenario Create(bool keyRequired, string inbound, params KeyValuePair<string, StringValues>[] headers)
    {
        var json = $$"""
            { "schemaVersion": 1, "revision": 1,
              "apis": [ { "id": "bench", "path": "/api", "subscriptionRequired": {{(keyRequired ? "true" : "false")}},
                          "backend": { "urls": ["http://127.0.0.1:18080"] },
                          "policies": { "inbound": {{inbound}} } } ],
              "subscriptions": [ { "id": "s1", "scope": "apis", "primaryKey": "{{Key}}" } ] }
            """;
        var parsed = SnapshotReader.Parse(Encoding.UTF8.GetBytes(json));
        if (parsed.Snapshot is null)
        {
            throw new InvalidOperationException("benchmark snapshot does not parse: " + string.Join("; ", parsed.Errors));
        }

        var report = SnapshotValidator.Validate(parsed.Snapshot, new ValidationOptions { AllowPlainKeys = true });
        if (!report.IsValid)
        {
            throw new InvalidOperationException("benchmark snapshot is not valid: " + string.Join("; ", report.Problems));
        }

        return new PipelineScenario(new GatewayRuntime(parsed.Snapshot, "bench", DateTimeOffset.UnixEpoch), headers);
    }

    public static KeyValuePair<string, StringValues> Header(string name, string value) => new(name, value);

    /// <summary>The request headers after the last call: what the backend would have received.</summary>
    public IHeaderDictionary RequestHeaders => http.Request.Headers;

    /// <summary>
    /// One request. The context is reset first, as Kestrel resets its pooled one between requests on a connection: the
    /// header dictionaries are cleared (their storage kept) and the request's headers set again, so every call starts alike.
    /// </summary>
    public PolicyResult Invoke(bool withHeaders = true)
    {
        var request = http.Request;
        request.Headers.Clear();
        if (withHeaders)
        {
            foreach (var header in headers)
            {
                request.Headers[header.Key] = header.Value;
            }
        }

        http.Response.Headers.Clear();
        http.Response.StatusCode = StatusCodes.Status200OK;

        var api = runtime.Routes.Match(Path, out _)!;
        var headerKey = request.Headers[api.KeyHeader];
        var presented = headerKey.Count > 0 ? headerKey.ToString() : null;
        var check = default(SubscriptionCheck);
        if (api.SubscriptionRequired || presented is not null)
        {
            check = runtime.Subscriptions.Check(presented, api);
            if (check.Outcome != SubscriptionOutcome.Valid)
            {
                return PolicyResult.Failed; // the gateway's 401, before any policy
            }
        }

        // As the gateway's handler: every proxied request gets its one PolicyRun (the transformer reads the remainder and
        // the key's place from it), with or without policies; a route without policies runs no section.
        var pipeline = api.Policies.For(check.ProductId);
        var run = new PolicyRun(http, pipeline, new PolicyRequest(api, null, check.SubscriptionId,
            check.SubscriptionId is null ? null : presented, check.ProductId, null, "bench"));
        if (!run.HasPolicies)
        {
            return PolicyResult.Continue;
        }

        var result = Complete(PolicyPipeline.RunAsync(pipeline.Inbound, run, Sections.Inbound));
        if (result == PolicyResult.Continue)
        {
            result = Complete(PolicyPipeline.RunAsync(pipeline.Backend, run, Sections.Backend));
        }

        if (result == PolicyResult.Continue)
        {
            result = Complete(PolicyPipeline.RunAsync(pipeline.Outbound, run, Sections.Outbound));
        }

        return result;
    }

    // A section of steps that never wait completes synchronously; one that waits (a key fetch) is waited for, and its task counted.
    private static PolicyResult Complete(ValueTask<PolicyResult> section) =>
        section.IsCompletedSuccessfully ? section.Result : section.AsTask().GetAwaiter().GetResult();
}
