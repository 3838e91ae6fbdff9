using System.Text;
using EdgeGateway.Policies;
using EdgeGateway.Tests.Policies;
using Microsoft.AspNetCore.Http;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Proxy;

/// <summary>
/// What the backend is sent once inbound has run: the route's <see cref="EdgeGateway.Proxy.GatewayTransformer"/> driven with an
/// <see cref="HttpRequestMessage"/> as YARP's forwarder drives it (a body travels as the message's content).
/// </summary>
public sealed class GatewayTransformerTests
{
    private static PolicyRun Api(string inbound, Action<HttpRequest>? request = null) =>
        new PipelineHarness(Doc($$"""
            [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
                "policies": { "inbound": {{inbound}} } } ]
            """)).Run("a", request: r =>
        {
            r.Host = new HostString("client.example");
            r.Scheme = "https";
            request?.Invoke(r);
        });

    /// <summary>The request the backend gets, after the inbound section ran (asynchronously where a step reads the body).</summary>
    internal static async Task<HttpRequestMessage> ForwardAsync(PolicyRun run)
    {
        Assert.Equal(PolicyResult.Continue, await PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, EdgeGateway.Contracts.Policies.Sections.Inbound));
        run.Http.Features.Set(run);
        var message = new HttpRequestMessage(new HttpMethod(run.Http.Request.Method), "http://unset.invalid/")
        {
            Content = new StreamContent(run.Http.Request.Body),
        };
        await run.Route.Transformer.TransformRequestAsync(run.Http, message, "http://backend.internal/base", CancellationToken.None);
        return message;
    }

    private static string? Header(HttpRequestMessage message, string name) =>
        message.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString()
        : message.Content is not null && message.Content.Headers.NonValidated.TryGetValues(name, out var content) ? content.ToString()
        : null;

    [Fact]
    public async Task SetBody_GzipClientBody_BackendGetsNoContentEncodingOrDigest()
    {
        var run = Api("""[ { "type": "set-body", "value": "plain text" } ]""", r =>
        {
            r.Method = "POST";
            r.Body = new MemoryStream([0x1f, 0x8b, 0x08, 0x00]);
            r.ContentLength = 4;
            r.ContentType = "text/plain";
            r.Headers.ContentEncoding = "gzip";
            r.Headers.ContentMD5 = "Zm9vYmFyYmF6cXV4MTIzNA==";
            r.Headers["Content-Digest"] = "sha-256=:AAAA:";
        });

        var sent = await ForwardAsync(run);

        Assert.Equal("plain text", await sent.Content!.ReadAsStringAsync());
        Assert.Null(Header(sent, "Content-Encoding"));
        Assert.Null(Header(sent, "Content-MD5"));
        Assert.Null(Header(sent, "Content-Digest"));
        Assert.Equal("text/plain", Header(sent, "Content-Type"));
    }

    [Fact]
    public async Task FindAndReplace_NothingReplaced_ClientsDigestStillReachesTheBackend()
    {
        var run = Api("""[ { "type": "find-and-replace", "from": "absent", "to": "x" } ]""", r =>
        {
            var bytes = Encoding.UTF8.GetBytes("unchanged");
            r.Method = "POST";
            r.Body = new MemoryStream(bytes);
            r.ContentLength = bytes.Length;
            r.ContentType = "text/plain";
            r.Headers["Content-Digest"] = "sha-256=:BBBB:";
        });

        var sent = await ForwardAsync(run);

        Assert.Equal("unchanged", await sent.Content!.ReadAsStringAsync());
        Assert.Equal("sha-256=:BBBB:", Header(sent, "Content-Digest"));
    }

    [Fact]
    public async Task SetHeader_ClientNamedItInConnection_PolicysValueReachesTheBackend()
    {
        var run = Api("""[ { "type": "set-header", "name": "Authorization", "value": "Bearer backend-token" } ]""", r =>
        {
            r.Headers.Connection = "Authorization";
            r.Headers.Authorization = "Basic Y2xpZW50";
        });

        var sent = await ForwardAsync(run);

        Assert.Equal("Bearer backend-token", Header(sent, "Authorization"));
    }

    [Fact]
    public async Task ConnectionNamedHeader_RemovedBeforeInbound_NeitherPoliciesNorTheBackendSeeIt()
    {
        var run = Api("""[ { "type": "set-header", "name": "X-Seen", "value": "@(context.Request.Headers.GetValueOrDefault(\"X-Hop\", \"none\"))" } ]""", r =>
        {
            r.Headers.Connection = "X-Hop, X-Forwarded-For";
            r.Headers["X-Hop"] = "client";
            r.Headers["X-Forwarded-For"] = "203.0.113.9";
        });
        EdgeGateway.Proxy.HopByHopHeaders.RemoveNamed(run.Http.Request.Headers); // as GatewayRequestHandler does before inbound

        var sent = await ForwardAsync(run);

        Assert.Null(Header(sent, "X-Hop"));
        Assert.Null(Header(sent, "X-Forwarded-For")); // no client address in this context: the gateway adds none
        Assert.Equal("none", Header(sent, "X-Seen"));
    }

    [Fact]
    public async Task SetHeaderHost_BackendGetsItAndXForwardedHostIsStillTheClients()
    {
        var run = Api("""[ { "type": "set-header", "name": "Host", "value": "tenant.backend.example:8443" } ]""");

        var sent = await ForwardAsync(run);

        Assert.Equal("tenant.backend.example:8443", sent.Headers.Host);
        Assert.Equal("client.example", Header(sent, "X-Forwarded-Host"));
    }

    [Theory]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\\\"X-Tenant\\\", \\\"\\\"))")]
    [InlineData("bad host")]
    public void SetHeaderHost_NotAHost_400AndNoHostSet(string value)
    {
        var run = Api($$"""[ { "type": "set-header", "name": "Host", "value": "{{value}}" } ]""", r => r.Headers["X-Tenant"] = "a/b");

        Assert.Equal(PolicyResult.Failed, Inbound(run));

        Assert.Equal(("set-header", 400), (run.LastError!.Source, run.LastError.StatusCode));
        Assert.Null(run.BackendHost);
    }

    [Theory]
    [InlineData("backend.example", true)]
    [InlineData("backend.example:8443", true)]
    [InlineData("10.0.0.7:80", true)]
    [InlineData("[::1]:8080", true)]
    [InlineData("[::1]", true)]
    [InlineData("backend.example:", false)]
    [InlineData("backend.example:99999", false)]
    [InlineData("::1", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    public void IsHost_HostWithOptionalPort(string value, bool expected)
    {
        Assert.Equal(expected, HeaderValues.IsHost(value));
    }

    [Fact]
    public async Task NoHostPolicy_BackendGetsItsOwnHost()
    {
        var sent = await ForwardAsync(Api("[]"));

        Assert.Null(sent.Headers.Host); // HttpClient then sends the backend URL's authority
        Assert.Equal("client.example", Header(sent, "X-Forwarded-Host"));
    }
}
