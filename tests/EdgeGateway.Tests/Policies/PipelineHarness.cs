using System.Text;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using EdgeGateway.Policies;
using EdgeGateway.Routing;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.Tests.Policies;

/// <summary>A validated snapshot compiled as a gateway compiles it, and requests run through one of its pipelines.</summary>
internal sealed class PipelineHarness
{
    private readonly GatewayRuntime runtime;

    public PipelineHarness(string json, PolicyServices? services = null)
    {
        var parsed = SnapshotReader.Parse(Encoding.UTF8.GetBytes(json));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        var report = SnapshotValidator.Validate(parsed.Snapshot!, new ValidationOptions { AllowPlainKeys = true });
        Assert.True(report.IsValid, string.Join("\n", report.Errors.Select(e => e.ToString())));
        runtime = new GatewayRuntime(parsed.Snapshot!, "test", DateTimeOffset.UnixEpoch, policyServices: services);
    }

    public PolicyPipeline Pipeline(string apiId, string? operationId = null, string? productId = null)
    {
        var api = runtime.Apis.Single(a => a.Id == apiId);
        var set = operationId is null ? api.Policies : api.Operations.Single(o => o.Id == operationId).Policies;
        return set.For(productId);
    }

    public PolicyRun Run(string apiId, string? operationId = null, string? productId = null, string? subscriptionId = null,
        Action<HttpRequest>? request = null, EdgeGateway.Contracts.Net.IpRangeSet? trustedProxies = null, bool keyInQuery = false,
        EdgeGateway.Policies.ClientCertificates.ForwardedClientCertificates? forwardedCertificates = null)
    {
        var api = runtime.Apis.Single(a => a.Id == apiId);
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Path = "/" + apiId;
        http.Response.Body = new MemoryStream();
        request?.Invoke(http.Request);
        // As the gateway: the raw target when the request has one (a test sets it to send what Kestrel would not decode).
        var rawTarget = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw : http.Request.Path.Value + http.Request.QueryString.Value;
        return new PolicyRun(http, Pipeline(apiId, operationId, productId),
            new PolicyRequest(api, operationId, subscriptionId, subscriptionId is null ? null : "key", productId, productId, "west")
            {
                TrustedProxies = trustedProxies ?? EdgeGateway.Contracts.Net.IpRangeSet.Empty,
                ForwardedCertificates = forwardedCertificates,
            })
        {
            Operation = operationId is null ? null : api.Operations.Single(o => o.Id == operationId),
            Remainder = EdgeGateway.Proxy.RawRemainder.From(rawTarget, api.PrefixSegments),
            KeyInQuery = keyInQuery,
        };
    }

    // The steps under test never wait: the section completes synchronously, which these helpers also check.
    public static PolicyResult Inbound(PolicyRun run) => Completed(PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound));

    public static PolicyResult Outbound(PolicyRun run) => Completed(PolicyPipeline.RunAsync(run.Pipeline.Outbound, run, Sections.Outbound));

    private static PolicyResult Completed(ValueTask<PolicyResult> section)
    {
        Assert.True(section.IsCompletedSuccessfully, "a section of synchronous steps completed asynchronously");
        return section.Result;
    }

    public static string Doc(string apis, string global = "null", string products = "[]") => $$"""
        { "schemaVersion": 1, "revision": 1, "policies": {{global}}, "products": {{products}},
          "apis": {{apis}} }
        """;

    /// <summary>A set-header appending <paramref name="mark"/> to X-Order: where it lands shows which scope ran when.</summary>
    public static string Mark(string mark) => $$"""{ "type": "set-header", "name": "X-Order", "value": "{{mark}}", "existsAction": "append" }""";
}
