using System.Net;
using EdgeGateway.Contracts.Net;
using EdgeGateway.Policies;
using Microsoft.AspNetCore.Http;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Policies;

/// <summary>ip-filter and cors as compiled steps: what a request through them gets.</summary>
public sealed class AccessPolicyTests
{
    private const string Filter = """
        { "type": "ip-filter", "action": "{{action}}", "addresses": ["203.0.113.7", "10.0.0.0/8", "2001:db8::/32"],
          "addressRanges": [ { "from": "198.51.100.10", "to": "198.51.100.20" } ] }
        """;

    private static PipelineHarness Harness(string inbound) => new(Doc($$"""
        [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] }, "policies": { "inbound": {{inbound}} } } ]
        """));

    private static PolicyRun IpRun(string action, string peer, string? forwardedFor = null, IpRangeSet? trusted = null) =>
        Harness($"[ {Filter.Replace("{{action}}", action, StringComparison.Ordinal)} ]").Run("a", request: r =>
        {
            r.HttpContext.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            if (forwardedFor is not null)
            {
                r.Headers["X-Forwarded-For"] = forwardedFor;
            }
        }, trustedProxies: trusted);

    [Theory]
    [InlineData("203.0.113.7", true)]
    [InlineData("10.200.0.1", true)]
    [InlineData("198.51.100.15", true)]
    [InlineData("198.51.100.21", false)]
    [InlineData("2001:db8:1::1", true)]
    [InlineData("2001:db9::1", false)]
    [InlineData("::ffff:203.0.113.7", true)]
    public void IpFilter_Allow_OnlyListedCallersPass(string peer, bool passes)
    {
        var run = IpRun("allow", peer);

        Assert.Equal(passes ? PolicyResult.Continue : PolicyResult.Failed, Inbound(run));
        if (!passes)
        {
            Assert.Equal(("ip-filter", "CallerIpNotAllowed", 403), (run.LastError!.Source, run.LastError.Reason, run.LastError.StatusCode));
            Assert.Equal($"Caller IP address {peer} is not allowed. Access denied.", run.LastError.Message);
        }
    }

    [Theory]
    [InlineData("10.1.1.1", false)]
    [InlineData("192.0.2.1", true)]
    public void IpFilter_Forbid_ListedCallersStopped(string peer, bool passes)
    {
        Assert.Equal(passes ? PolicyResult.Continue : PolicyResult.Failed, Inbound(IpRun("forbid", peer)));
    }

    [Theory]
    [InlineData("allow")]
    [InlineData("forbid")]
    public void IpFilter_UnknownClientAddress_RefusedForBothActions(string action)
    {
        // No socket peer (a Unix-socket listener): a forbid list cannot clear a caller it cannot see.
        var run = Harness($"[ {Filter.Replace("{{action}}", action, StringComparison.Ordinal)} ]").Run("a");

        Assert.Null(run.Http.Connection.RemoteIpAddress);
        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.Equal(("ip-filter", "CallerIpNotAllowed", 403), (run.LastError!.Source, run.LastError.Reason, run.LastError.StatusCode));
        Assert.Equal("Caller IP address is unknown. Access denied.", run.LastError.Message);
    }

    [Fact]
    public void IpFilter_SpoofedForwardedForFromUntrustedPeer_Ignored()
    {
        Assert.Equal(PolicyResult.Failed, Inbound(IpRun("allow", "192.0.2.1", forwardedFor: "203.0.113.7")));
    }

    [Fact]
    public void IpFilter_ForwardedForFromTrustedPeer_ClientIsTheForwardedAddress()
    {
        var trusted = IpRangeSet.Create([new IpRange(false, 0x7F000001, 0x7F000001)]);

        var run = IpRun("forbid", "127.0.0.1", forwardedFor: "10.9.9.9", trusted: trusted);

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.Equal("10.9.9.9", run.ClientIp);
    }

    private static PolicyRun CorsRun(string cors, string method, Action<IHeaderDictionary> headers) =>
        Harness($"[ {cors} ]").Run("a", request: r =>
        {
            r.Method = method;
            headers(r.Headers);
        });

    private const string Strict = """
        { "type": "cors", "allowCredentials": true, "allowedOrigins": ["https://app.example.com"], "allowedMethods": ["GET", "PUT"],
          "allowedHeaders": ["Content-Type"], "exposeHeaders": ["X-Total", "X-Page"], "preflightResultMaxAge": 600 }
        """;

    [Fact]
    public void Cors_AllowedPreflight_AnsweredWithTheAllowHeaders()
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "OPTIONS";
        http.Request.Headers.Origin = "https://app.example.com";
        http.Request.Headers.AccessControlRequestMethod = "PUT";
        http.Request.Headers.AccessControlRequestHeaders = "content-type";
        var pipeline = Harness($"[ {Strict} ]").Pipeline("a");

        Assert.True(Cors.IsPreflight(http.Request));
        Cors.AnswerPreflight(http, pipeline.Cors);

        var headers = http.Response.Headers;
        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal("https://app.example.com", headers.AccessControlAllowOrigin);
        Assert.Equal("true", headers.AccessControlAllowCredentials);
        Assert.Equal("PUT", headers.AccessControlAllowMethods);
        Assert.Equal("content-type", headers.AccessControlAllowHeaders);
        Assert.Equal("600", headers.AccessControlMaxAge);
        Assert.Equal("Origin", headers.Vary);
    }

    [Theory]
    [InlineData("https://evil.example.com", "PUT", "content-type")]
    [InlineData("https://app.example.com", "DELETE", "")]
    [InlineData("https://app.example.com", "PUT", "content-type, x-secret")]
    public void Cors_RefusedPreflight_EmptyOkWithoutAllowHeaders(string origin, string method, string requestHeaders)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "OPTIONS";
        http.Request.Headers.Origin = origin;
        http.Request.Headers.AccessControlRequestMethod = method;
        http.Request.Headers.AccessControlRequestHeaders = requestHeaders;

        Cors.AnswerPreflight(http, Harness($"[ {Strict} ]").Pipeline("a").Cors);

        Assert.Equal(200, http.Response.StatusCode);
        Assert.False(http.Response.Headers.ContainsKey("Access-Control-Allow-Origin"));
    }

    [Fact]
    public void Cors_FirstDoesNotTerminate_NextCorsAnswers()
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "OPTIONS";
        http.Request.Headers.Origin = "https://other.example.com";
        http.Request.Headers.AccessControlRequestMethod = "GET";
        var pipeline = Harness("""
            [ { "type": "cors", "allowedOrigins": ["https://app.example.com"], "terminateUnmatchedRequest": false } ]
            """).Pipeline("a");
        var global = new PipelineHarness(Doc("""
            [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
                "policies": { "inbound": [ { "type": "cors", "allowedOrigins": ["https://app.example.com"], "terminateUnmatchedRequest": false }, { "type": "base" } ] } } ]
            """, global: """{ "inbound": [ { "type": "cors", "allowedOrigins": ["*"] } ] }""")).Pipeline("a");

        Cors.AnswerPreflight(http, global.Cors);

        Assert.Single(pipeline.Cors);
        Assert.Equal(2, global.Cors.Length);
        Assert.Equal("*", http.Response.Headers.AccessControlAllowOrigin);
    }

    [Fact]
    public void Cors_AllowedActualRequest_MarkedForResponseHeaders()
    {
        var run = CorsRun(Strict, "GET", h => h.Origin = "https://app.example.com");

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.NotNull(run.CorsMatch);
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("HEAD", true)]
    [InlineData("POST", false)]
    public void Cors_UnmatchedActualRequest_TerminatedOnlyForGetAndHead(string method, bool terminated)
    {
        var expected = terminated ? PolicyResult.Responded : PolicyResult.Continue;
        var run = CorsRun("""{ "type": "cors", "allowedOrigins": ["https://app.example.com"], "allowedMethods": ["*"] }""", method,
            h => h.Origin = "https://evil.example.com");

        Assert.Equal(expected, Inbound(run));
        Assert.Null(run.CorsMatch);
        if (expected == PolicyResult.Responded)
        {
            Assert.Equal(200, run.Http.Response.StatusCode);
        }
    }

    [Fact]
    public void Cors_UnmatchedGetWithoutTermination_GoesOnWithoutHeaders()
    {
        var run = CorsRun("""{ "type": "cors", "allowedOrigins": ["https://app.example.com"], "terminateUnmatchedRequest": false }""", "GET",
            h => h.Origin = "https://evil.example.com");

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Null(run.CorsMatch);
    }

    [Fact]
    public void Cors_NoOriginHeader_NotCrossOriginSoUntouched()
    {
        var run = CorsRun(Strict, "GET", _ => { });

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Null(run.CorsMatch);
    }

    [Fact]
    public void Cors_DefaultMethods_GetAndPostOnly()
    {
        const string Policy = """{ "type": "cors", "allowedOrigins": ["https://app.example.com"], "terminateUnmatchedRequest": false }""";

        Assert.NotNull(Run("POST").CorsMatch);
        Assert.Null(Run("PUT").CorsMatch);

        PolicyRun Run(string method)
        {
            var run = CorsRun(Policy, method, h => h.Origin = "https://app.example.com");
            Inbound(run);
            return run;
        }
    }

    [Fact]
    public void Cors_AllowedWithoutCredentials_BackendCorsHeadersReplacedByThePolicys()
    {
        var starting = new StartingFeature();
        var run = Harness("""[ { "type": "cors", "allowedOrigins": ["https://app.example.com"] } ]""").Run("a", request: r =>
        {
            r.HttpContext.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>(starting);
            r.Headers.Origin = "https://app.example.com";
        });

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        BackendSendsCors(run.Http.Response.Headers);
        starting.Start();

        var headers = run.Http.Response.Headers;
        Assert.Equal("https://app.example.com", headers.AccessControlAllowOrigin);
        Assert.False(headers.ContainsKey("Access-Control-Allow-Credentials"));
        Assert.False(headers.ContainsKey("Access-Control-Expose-Headers"));
        Assert.False(headers.ContainsKey("Access-Control-Allow-Methods"));
        Assert.False(headers.ContainsKey("Access-Control-Max-Age"));
    }

    [Fact]
    public void Cors_UnmatchedPost_BackendCorsHeadersRemoved()
    {
        var starting = new StartingFeature();
        var run = Harness($"[ {Strict} ]").Run("a", request: r =>
        {
            r.HttpContext.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>(starting);
            r.Method = "POST";
            r.Headers.Origin = "https://evil.example.com";
        });

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        BackendSendsCors(run.Http.Response.Headers);
        starting.Start();

        Assert.DoesNotContain(run.Http.Response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("text/plain", run.Http.Response.Headers.ContentType);
    }

    private static void BackendSendsCors(IHeaderDictionary headers)
    {
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowCredentials = "true";
        headers.AccessControlExposeHeaders = "X-Secret";
        headers.AccessControlAllowMethods = "DELETE";
        headers.AccessControlMaxAge = "86400";
        headers.ContentType = "text/plain";
    }

    /// <summary>A response feature that keeps OnStarting callbacks, run by <see cref="Start"/> as a server runs them.</summary>
    private sealed class StartingFeature : Microsoft.AspNetCore.Http.Features.HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> callbacks = [];

        public override void OnStarting(Func<object, Task> callback, object state) => callbacks.Add((callback, state));

        public void Start()
        {
            for (var i = callbacks.Count - 1; i >= 0; i--)
            {
                Assert.True(callbacks[i].Callback(callbacks[i].State).IsCompletedSuccessfully);
            }
        }
    }

    [Fact]
    public void Cors_PreflightInPipelineDeclinedByEveryCors_AnsweredEmptyNotForwarded()
    {
        // The in-pipeline path (product cors, key in the query) decides as the handler does: never Continue to the backend.
        var run = CorsRun("""{ "type": "cors", "allowedOrigins": ["https://app.example.com"], "terminateUnmatchedRequest": false }""", "OPTIONS", h =>
        {
            h.Origin = "https://evil.example.com";
            h.AccessControlRequestMethod = "GET";
        });

        Assert.Equal(PolicyResult.Responded, Inbound(run));
        Assert.Equal(200, run.Http.Response.StatusCode);
        Assert.False(run.Http.Response.Headers.ContainsKey("Access-Control-Allow-Origin"));
    }

    [Fact]
    public void Cors_PreflightInPipelineFirstDeclinesWithoutTerminating_LaterCorsAnswers()
    {
        var run = new PipelineHarness(Doc("""
            [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
                "policies": { "inbound": [ { "type": "cors", "allowedOrigins": ["https://app.example.com"], "terminateUnmatchedRequest": false }, { "type": "base" } ] } } ]
            """, global: """{ "inbound": [ { "type": "cors", "allowedOrigins": ["*"] } ] }""")).Run("a", request: r =>
        {
            r.Method = "OPTIONS";
            r.Headers.Origin = "https://other.example.com";
            r.Headers.AccessControlRequestMethod = "GET";
        });

        Assert.Equal(PolicyResult.Responded, Inbound(run));
        Assert.Equal("*", run.Http.Response.Headers.AccessControlAllowOrigin);
    }
}
