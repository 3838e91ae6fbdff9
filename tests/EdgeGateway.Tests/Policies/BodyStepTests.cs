using System.Text;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Policies;

/// <summary>set-body and find-and-replace: the body the backend or the client would get, and the limits.</summary>
public sealed class BodyStepTests
{
    private static PolicyRun Api(string inbound, string outbound = "[]", Action<HttpRequest>? request = null) =>
        new PipelineHarness(Doc($$"""
            [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
                "policies": { "inbound": {{inbound}}, "outbound": {{outbound}} } } ]
            """)).Run("a", request: request);

    private static Action<HttpRequest> Body(string text, string contentType = "application/json", bool chunked = false) => r =>
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        r.Method = "POST";
        r.Body = new MemoryStream(bytes);
        r.ContentType = contentType;
        if (chunked)
        {
            r.Headers.TransferEncoding = "chunked";
        }
        else
        {
            r.ContentLength = bytes.Length;
        }
    };

    private static async Task<string> ForwardedBody(PolicyRun run) => await new StreamReader(run.Http.Request.Body).ReadToEndAsync();

    private static async Task<PolicyResult> InboundAsync(PolicyRun run) => await PolicyPipeline.RunAsync(run.Pipeline.Inbound, run, Sections.Inbound);

    [Fact]
    public async Task SetBody_Inbound_BackendGetsTheNewBodyWithItsLengthAndNoChunking()
    {
        var run = Api("""[ { "type": "set-body", "value": "@(\"{\\\"caller\\\":\\\"\" + context.Request.Method + \"\\\"}\")" } ]""",
            request: Body("{\"old\":true}", chunked: true));

        Assert.Equal(PolicyResult.Continue, Inbound(run));

        Assert.Equal("{\"caller\":\"POST\"}", await ForwardedBody(run));
        Assert.Equal(17, run.Http.Request.ContentLength);
        Assert.False(run.Http.Request.Headers.ContainsKey("Transfer-Encoding"));
        Assert.True(run.Http.Features.Get<IHttpRequestBodyDetectionFeature>()!.CanHaveBody);
    }

    [Fact]
    public async Task SetBody_Outbound_ClientGetsTheNewBodyInsteadOfTheBackends()
    {
        var run = Api("[]", outbound: """[ { "type": "set-body", "value": "replaced" } ]""");
        run.Http.Response.Headers.ContentEncoding = "gzip";

        Assert.Equal(PolicyResult.Continue, Outbound(run));
        await PolicyBodies.WriteResponseAsync(run);

        Assert.Equal("replaced", Encoding.UTF8.GetString(((MemoryStream)run.Http.Response.Body).ToArray()));
        Assert.Equal(8, run.Http.Response.ContentLength);
        Assert.False(run.Http.Response.Headers.ContainsKey("Content-Encoding"));
    }

    [Fact]
    public async Task SetBody_Outbound_ClientHeadTurnedGet_LengthButNoBody()
    {
        var run = Api("""[ { "type": "set-method", "method": "GET" } ]""", outbound: """[ { "type": "set-body", "value": "replaced" } ]""",
            request: r => r.Method = "HEAD");

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Equal(PolicyResult.Continue, Outbound(run));
        await PolicyBodies.WriteResponseAsync(run);

        Assert.Equal("GET", run.Http.Request.Method); // what the backend was sent
        Assert.Equal(8, run.Http.Response.ContentLength);
        Assert.Empty(((MemoryStream)run.Http.Response.Body).ToArray()); // a HEAD response has no body, whatever the backend got
    }

    [Fact]
    public async Task FindAndReplace_Inbound_EveryOccurrenceReplaced()
    {
        var run = Api("""[ { "type": "find-and-replace", "from": "internal.example", "to": "public.example" } ]""",
            request: Body("{\"a\":\"internal.example/x\",\"b\":\"internal.example/y\"}", chunked: true));

        Assert.Equal(PolicyResult.Continue, await InboundAsync(run));

        const string expected = "{\"a\":\"public.example/x\",\"b\":\"public.example/y\"}";
        Assert.Equal(expected, await ForwardedBody(run));
        Assert.Equal(expected.Length, run.Http.Request.ContentLength);
    }

    [Fact]
    public async Task FindAndReplace_AfterSetBody_WorksOnTheNewBody()
    {
        var run = Api("""[ { "type": "set-body", "value": "hello NAME" }, { "type": "find-and-replace", "from": "NAME", "to": "@(context.Request.Method)" } ]""",
            request: Body("ignored"));

        await InboundAsync(run);

        Assert.Equal("hello POST", await ForwardedBody(run));
    }

    [Fact]
    public async Task FindAndReplace_NonTextBody_PassesUnchanged()
    {
        var run = Api("""[ { "type": "find-and-replace", "from": "a", "to": "b" } ]""", request: Body("aaaa", "application/octet-stream"));

        Assert.Equal(PolicyResult.Continue, await InboundAsync(run));

        Assert.Null(run.RequestBody);
        Assert.Equal("aaaa", await ForwardedBody(run));
    }

    [Fact]
    public async Task FindAndReplace_CompressedBody_PassesUnchanged()
    {
        var run = Api("""[ { "type": "find-and-replace", "from": "a", "to": "b" } ]""", request: r =>
        {
            Body("aaaa", "text/plain")(r);
            r.Headers.ContentEncoding = "gzip";
        });

        await InboundAsync(run);

        Assert.Equal("aaaa", await ForwardedBody(run));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FindAndReplace_RequestBodyOverTheLimit_413(bool chunked)
    {
        var run = Api("""[ { "type": "find-and-replace", "from": "a", "to": "b" } ]""",
            request: Body(new string('a', PolicyBodies.MaxBuffered + 1), "text/plain", chunked));

        Assert.Equal(PolicyResult.Failed, await InboundAsync(run));
        Assert.Equal(("find-and-replace", "BodyTooLarge", 413), (run.LastError!.Source, run.LastError.Reason, run.LastError.StatusCode));
    }

    [Fact]
    public async Task FindAndReplace_Outbound_ReplacesInTheBackendsTextResponse()
    {
        var run = Api("[]", outbound: """[ { "type": "find-and-replace", "from": "10.0.0.7", "to": "backend" } ]""");
        using var backend = new HttpResponseMessage { Content = new StringContent("served by 10.0.0.7", Encoding.UTF8, "text/plain") };
        run.BackendResponse = backend;

        Assert.Equal(PolicyResult.Continue, await PolicyPipeline.RunAsync(run.Pipeline.Outbound, run, Sections.Outbound));

        Assert.Equal("served by backend", Encoding.UTF8.GetString(run.ResponseBody!));
    }

    [Fact]
    public async Task FindAndReplace_OutboundChunkedResponseOverTheLimit_502()
    {
        var run = Api("[]", outbound: """[ { "type": "find-and-replace", "from": "a", "to": "b" } ]""");
        var content = new StreamContent(new NoLengthStream(new string('a', PolicyBodies.MaxBuffered + 10)));
        content.Headers.ContentType = new("text/plain");
        using var backend = new HttpResponseMessage { Content = content };
        run.BackendResponse = backend;

        Assert.Equal(PolicyResult.Failed, await PolicyPipeline.RunAsync(run.Pipeline.Outbound, run, Sections.Outbound));
        Assert.Equal(502, run.LastError!.StatusCode);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(408)]
    public async Task FindAndReplace_ClientBodyFailsWhileRead_ClientErrorThroughOnError(int kestrelStatus)
    {
        // What Kestrel throws for a malformed chunk (400) or a body below its minimum data rate (408).
        var run = Api("""[ { "type": "find-and-replace", "from": "a", "to": "b" } ]""", request: r =>
        {
            Body("aaaa", "text/plain", chunked: true)(r);
            r.Body = new FailingStream(new BadHttpRequestException("bad chunk", kestrelStatus));
        });

        Assert.Equal(PolicyResult.Failed, await InboundAsync(run));

        Assert.Equal(("find-and-replace", "RequestBodyFailed", kestrelStatus), (run.LastError!.Source, run.LastError.Reason, run.LastError.StatusCode));
    }

    [Fact]
    public async Task FindAndReplace_ClientGoneWhileBodyRead_FailsAsAborted()
    {
        using var gone = new CancellationTokenSource();
        gone.Cancel();
        var run = Api("""[ { "type": "find-and-replace", "from": "a", "to": "b" } ]""", request: r =>
        {
            Body("aaaa", "text/plain", chunked: true)(r);
            r.Body = new FailingStream(new IOException("connection reset"));
            r.HttpContext.RequestAborted = gone.Token;
        });

        Assert.Equal(PolicyResult.Failed, await InboundAsync(run));

        Assert.Equal("ClientAborted", run.LastError!.Reason);
    }

    [Fact]
    public async Task FindAndReplace_BackendBodyBreaksOff_502BackendFailure()
    {
        var run = Api("[]", outbound: """[ { "type": "find-and-replace", "from": "a", "to": "b" } ]""");
        var content = new StreamContent(new FailingStream(new IOException("The response ended prematurely.")));
        content.Headers.ContentType = new("text/plain");
        using var backend = new HttpResponseMessage { Content = content };
        run.BackendResponse = backend;

        Assert.Equal(PolicyResult.Failed, await PolicyPipeline.RunAsync(run.Pipeline.Outbound, run, Sections.Outbound));

        Assert.Equal(("forward-request", "BackendConnectionFailure", 502), (run.LastError!.Source, run.LastError.Reason, run.LastError.StatusCode));
    }

    [Theory]
    [InlineData("text/plain", null, true)]
    [InlineData("application/json; charset=utf-8", null, true)]
    [InlineData("application/problem+json", null, true)]
    [InlineData("text/html; charset=iso-8859-1", null, false)]
    [InlineData("application/octet-stream", null, false)]
    [InlineData("image/png", null, false)]
    [InlineData(null, null, false)]
    [InlineData("text/plain", "br", false)]
    [InlineData("text/plain", "identity", true)]
    public void IsText_MediaTypeCharsetAndEncoding(string? contentType, string? encoding, bool expected)
    {
        Assert.Equal(expected, PolicyBodies.IsText(contentType, encoding));
    }

    /// <summary>A body whose first read fails as Kestrel's or HttpClient's does.</summary>
    private sealed class FailingStream(Exception failure) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw failure;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(failure);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromException<int>(failure);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A body of unknown length, as a chunked response is.</summary>
    private sealed class NoLengthStream(string text) : MemoryStream(Encoding.UTF8.GetBytes(text))
    {
        public override bool CanSeek => false;
    }
}
