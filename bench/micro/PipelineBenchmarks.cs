using BenchmarkDotNet.Attributes;
using EdgeGateway.Policies;
using EdgeGateway.Routing;

namespace EdgeGateway.Bench;

/// <summary>
/// The per-request cost of issue 10's benchmark scenarios, CPU time and bytes allocated per request, without the network:
/// (a) no policies (the baseline), a subscription key alone, the key + set-header, (b) the key + set-header + ip-filter,
/// (c) validate-jwt with an inline RS256 key; and issue 11's (b), the key + rate-limit-by-key (counterKey the subscription
/// id, local counters) + set-header. Differences to the baseline are what policies cost; allocations of the baseline are
/// the request path's own, not the pipeline's.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private const string SetHeaderName = "X-Bench-Gateway";
    private const string SetHeader = """{ "type": "set-header", "name": "X-Bench-Gateway", "value": "edge", "existsAction": "override" }""";
    private const string IpFilter = """{ "type": "ip-filter", "action": "allow", "addresses": ["127.0.0.1", "10.0.0.0/8"] }""";

    // Issue 11's (b): a limit no benchmark run reaches, in a window no run outlives, so every call is counted and admitted.
    private const string RateLimitByKey =
        """{ "type": "rate-limit-by-key", "calls": 2147483647, "renewalPeriod": 86400, "counterKey": "@(context.Subscription.Id)" }""";

    private static readonly KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> KeyHeader =
        PipelineScenario.Header(ApiRoute.DefaultKeyHeader, PipelineScenario.Key);

    private PipelineScenario none = null!;
    private PipelineScenario keyOnly = null!;
    private PipelineScenario keySetHeader = null!;
    private PipelineScenario? keySetHeaderIpFilter;
    private PipelineScenario? validateJwt;
    private PipelineScenario? keyRateLimitSetHeader;

    [GlobalSetup]
    public void Setup()
    {
        none = Checked(PipelineScenario.Create(false, "[]"), credential: false);
        keyOnly = Checked(PipelineScenario.Create(true, "[]", KeyHeader), credential: true);
        keySetHeader = Checked(PipelineScenario.Create(true, $"[ {SetHeader} ]", KeyHeader), credential: true, setsHeader: true);
        keySetHeaderIpFilter = Checked(PipelineScenario.Create(true, $"[ {SetHeader}, {IpFilter} ]", KeyHeader), credential: true, setsHeader: true);
        keyRateLimitSetHeader = Checked(PipelineScenario.Create(true, $"[ {RateLimitByKey}, {SetHeader} ]", KeyHeader), credential: true, setsHeader: true);
        var token = BenchToken.Create();
        var policy = $$"""
            [ { "type": "validate-jwt", "headerName": "Authorization", "requireScheme": "Bearer",
                "issuerSigningKeys": [ {{token.SigningKeyJson}} ],
                "audiences": ["{{BenchToken.Audience}}"], "issuers": ["{{BenchToken.Issuer}}"] } ]
            """;
        validateJwt = Checked(PipelineScenario.Create(false, policy, PipelineScenario.Header("Authorization", "Bearer " + token.Token)), credential: true);
    }

    [Benchmark(Baseline = true, Description = "(a) no policies")]
    public int NoPolicies() => (int)none.Invoke();

    [Benchmark(Description = "subscription key only")]
    public int KeyOnly() => (int)keyOnly.Invoke();

    [Benchmark(Description = "key + set-header")]
    public int KeySetHeader() => (int)keySetHeader.Invoke();

    [Benchmark(Description = "(b) key + set-header + ip-filter")]
    public int KeySetHeaderIpFilter() => (int)keySetHeaderIpFilter!.Invoke();

    [Benchmark(Description = "issue 11 (b) key + rate-limit-by-key + set-header")]
    public int KeyRateLimitSetHeader() => (int)keyRateLimitSetHeader!.Invoke();

    [Benchmark(Description = "(c) validate-jwt, RS256, inline key")]
    public int ValidateJwt() => (int)validateJwt!.Invoke();

    /// <summary>
    /// A scenario must let its request through, do its work (set-header's header is there) and, with a credential, refuse
    /// the request without it: a benchmark of a pipeline that fails, does nothing or lets everything pass would measure the
    /// wrong thing, so it stops the run instead.
    /// </summary>
    private static PipelineScenario Checked(PipelineScenario scenario, bool credential, bool setsHeader = false)
    {
        var result = scenario.Invoke();
        if (result != PolicyResult.Continue)
        {
            throw new InvalidOperationException($"benchmark scenario did not pass its request through ({result})");
        }

        if (setsHeader && scenario.RequestHeaders[SetHeaderName] != "edge")
        {
            throw new InvalidOperationException($"benchmark scenario's set-header did not set {SetHeaderName}");
        }

        if (credential && scenario.Invoke(withHeaders: false) == PolicyResult.Continue)
        {
            throw new InvalidOperationException("benchmark scenario let a request without its key or token through");
        }

        return scenario;
    }
}
