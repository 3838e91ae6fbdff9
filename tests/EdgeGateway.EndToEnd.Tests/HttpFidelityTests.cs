using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.EndToEnd.Tests;

public sealed class HttpFidelityFixture : IAsyncLifetime
{
    public TestBackend Backend { get; private set; } = null!;

    public GatewayProcess Gateway { get; private set; } = null!;

    private readonly ConfigFolder folder = new();

    public async Task InitializeAsync()
    {
        Backend = await TestBackend.StartAsync("main", app => app.MapGet("/base/hop", (HttpContext context) =>
        {
            context.Response.Headers.Connection = "X-Secret";
            context.Response.Headers["X-Secret"] = "s3cret";
            context.Response.Headers["X-Kept"] = "yes";
            return context.Response.WriteAsync("ok");
        }));
        var deadPort = Ports.Free();
        folder.Write($$"""
            { "schemaVersion": 1, "revision": 1,
              "apis": [
                { "id": "echo", "path": "/echo", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}/base"] } },
                { "id": "admin", "path": "/admin", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}/admin-base"] } },
                { "id": "keyed", "path": "/keyed", "backend": { "urls": ["{{Backend.Url}}"] } },
                { "id": "dead", "path": "/dead", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:{{deadPort}}"] } } ],
              "subscriptions": [ { "id": "carol", "scope": "apis", "primaryKey": "carol-key" } ] }
            """);
        Gateway = await GatewayProcess.StartAsync(folder.ConfigFile);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
        folder.Dispose();
    }
}

/// <summary>What reaches the backend, and the client, byte for byte: raw-socket requests through the AOT gateway.</summary>
public sealed class HttpFidelityTests(HttpFidelityFixture f) : IClassFixture<HttpFidelityFixture>
{
    private Task<RawResponse> SendAsync(string request) => RawHttp.SendAsync(f.Gateway.Port, request);

    private Task<RawResponse> GetAsync(string target, string headers = "") =>
        SendAsync($"GET {target} HTTP/1.1\r\nHost: gw.example\r\n{headers}Connection: close\r\n\r\n");

    // docs/configuration.md, Forwarding: encoded and dot-segment paths reach the backend as the client sent them.
    [Theory]
    [InlineData("/echo/a%2Fb", "/base/a%2Fb")]
    [InlineData("/echo/@scope%2Fpkg", "/base/@scope%2Fpkg")]
    [InlineData("/echo/%FC", "/base/%FC")]
    [InlineData("/echo/a%2", "/base/a%2")]
    [InlineData("/echo/a%252Fb", "/base/a%252Fb")]
    [InlineData("/echo/a/../b/./c", "/base/a/../b/./c")]
    [InlineData("/%65cho/x%2Fy", "/base/x%2Fy")]
    public async Task Path_EncodedAndDotSegments_ReachBackendAsTheClientSentThem(string target, string expected)
    {
        var response = await GetAsync(target);

        Assert.Equal(200, response.Status);
        Assert.Equal(expected, response.Echo().RawTarget);
    }

    [Theory]
    [InlineData("/echo/../admin/x", "/admin-base/x")]
    [InlineData("/echo/a/../../echo/b", "/base/b")]
    [InlineData("/echo/%2e%2e/echo/b", "/base/b")]
    public async Task Path_DotSegmentsLeavingTheApi_AreResolvedNeverClimbAboveTheBackendPath(string target, string expected)
    {
        var response = await GetAsync(target);

        Assert.Equal(200, response.Status);
        Assert.Equal(expected, response.Echo().RawTarget);
    }

    [Theory]
    [InlineData("/echo/q?a=%7e&b=%41&c=%zz&d={}|^&e=%7E+x", "/base/q?a=%7e&b=%41&c=%zz&d={}|^&e=%7E+x")]
    [InlineData("/keyed/q?a=%7e&subscription-key=carol-key&b={}|^&c=%zz", "/q?a=%7e&b={}|^&c=%zz")]
    [InlineData("/keyed/q?subscription-key=carol-key", "/q")]
    public async Task Query_ReachesBackendByteForByte_MinusTheKey(string target, string expected)
    {
        var response = await GetAsync(target);

        Assert.Equal(200, response.Status);
        Assert.Equal(expected, response.Echo().RawTarget);
    }

    [Fact]
    public async Task ConnectionHeader_FieldsItNamesDoNotReachTheBackend_AndCannotStripTheGatewaysOwn()
    {
        // No "close" or "keep-alive" among the names: Kestrel then shows the application only that option (see docs).
        var response = await SendAsync("GET /echo/h HTTP/1.1\r\nHost: gw.example\r\nConnection: X-Custom-Hop, X-Forwarded-For\r\n"
            + "Connection: X-Forwarded-Proto\r\nX-Custom-Hop: 1\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: spoofed\r\nX-Other: 2\r\n\r\n");

        Assert.Equal(200, response.Status);
        var headers = response.Echo().Headers;
        Assert.DoesNotContain("x-custom-hop", headers.Keys);
        Assert.Equal("2", headers["x-other"]);
        Assert.Equal("127.0.0.1", headers["x-forwarded-for"]);
        Assert.Equal("http", headers["x-forwarded-proto"]);
    }

    [Fact]
    public async Task ConnectionHeader_FromTheBackend_FieldsItNamesDoNotReachTheClient()
    {
        var response = await GetAsync("/echo/hop");

        Assert.Equal(200, response.Status);
        Assert.Null(response.Header("X-Secret"));
        Assert.Equal("yes", response.Header("X-Kept"));
    }

    [Theory]
    [InlineData("Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")] // chunk size not hex
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n")] // bare LF
    public async Task Body_MalformedChunks_400NotBackendError(string framingAndBody)
    {
        var response = await SendAsync($"POST /echo/upload HTTP/1.1\r\nHost: gw.example\r\nConnection: close\r\n{framingAndBody}");

        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task Body_TrickledBelowKestrelsMinimumRate_408NotBackendError()
    {
        using var connection = await RawHttp.ConnectAsync(f.Gateway.Port);
        await connection.WriteAsync("POST /echo/slow HTTP/1.1\r\nHost: gw.example\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n");
        var response = connection.ReadResponseAsync();
        for (var i = 0; i < 60 && !response.IsCompleted; i++)
        {
            try
            {
                await connection.WriteAsync("x"u8.ToArray());
            }
            catch (IOException)
            {
                break; // the gateway gave up on the body and closed
            }

            await Task.WhenAny(response, Task.Delay(1000));
        }

        Assert.Equal(408, (await response).Status);
    }

    [Theory]
    [InlineData("X@Y: 1\r\n")]
    [InlineData("X\u0001Y: 1\r\n")]
    public async Task Headers_InvalidName_400(string header)
    {
        var response = await SendAsync($"POST /echo/x HTTP/1.1\r\nHost: gw.example\r\n{header}Connection: close\r\n\r\nhello");

        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task Headers_TransferCodingOtherThanChunked_501()
    {
        var response = await SendAsync("POST /echo/x HTTP/1.1\r\nHost: gw.example\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        Assert.Equal(501, response.Status);
    }

    [Fact]
    public async Task Http10WithoutHost_NoEmptyXForwardedHost()
    {
        var response = await SendAsync("GET /echo/old HTTP/1.0\r\n\r\n");

        Assert.Equal(200, response.Status);
        Assert.DoesNotContain("x-forwarded-host", response.Echo().Headers.Keys);
    }

    [Fact]
    public async Task Headers_ClientForwardedAndXRealIp_DoNotReachTheBackend()
    {
        var response = await GetAsync("/echo/h", "Forwarded: for=203.0.113.7;proto=https\r\nX-Real-IP: 203.0.113.7\r\nX-Forwarded-Host: evil.example\r\n");

        var headers = response.Echo().Headers;
        Assert.DoesNotContain("forwarded", headers.Keys);
        Assert.DoesNotContain("x-real-ip", headers.Keys);
        Assert.Equal("gw.example", headers["x-forwarded-host"]);
    }

    // No exporter, no access log: the gateway stays out of the trace, as a plain proxy does.
    [Fact]
    public async Task TraceHeaders_NothingTraces_NoneInvented_TheClientsPassThroughUntouched()
    {
        const string clientTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        var plain = (await GetAsync("/echo/t")).Echo().Headers;
        var traced = (await GetAsync("/echo/t", $"traceparent: {clientTraceparent}\r\ntracestate: vendor=1\r\n")).Echo().Headers;

        Assert.DoesNotContain("traceparent", plain.Keys);
        Assert.DoesNotContain("tracestate", plain.Keys);
        Assert.Equal(clientTraceparent, traced["traceparent"]);
        Assert.Equal("vendor=1", traced["tracestate"]);
    }

    [Fact]
    public async Task BackendError_LoggedOnce()
    {
        var response = await GetAsync("/dead/x");

        Assert.Equal(502, response.Status);
        await f.Gateway.EventuallyAsync(() => Task.FromResult(f.Gateway.Output.Contains("Backend call for API dead failed", StringComparison.Ordinal)), "the backend error logged");
        Assert.DoesNotContain("Yarp.ReverseProxy.Forwarder.HttpForwarder", f.Gateway.Output, StringComparison.Ordinal);
    }
}
