using EdgeGateway.Policies;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Policies;

/// <summary>
/// A header name computed per request (an expression) cannot reach a framing or connection header: the load rule sees only
/// names known at load, so the gateway checks the evaluated name.
/// </summary>
public sealed class ManagedHeaderTests
{
    private const string NameFromRequest = """@(context.Request.Headers.GetValueOrDefault(\"X-Name\", \"X-Default\"))""";

    private static PolicyRun Run(string inbound, string name) =>
        new PipelineHarness(Doc($$"""
            [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] }, "policies": { "inbound": {{inbound}} } } ]
            """)).Run("a", request: r => r.Headers["X-Name"] = name);

    [Theory]
    [InlineData("Content-Length")]
    [InlineData("transfer-encoding")]
    [InlineData("Connection")]
    public void SetHeader_ExpressionNamesAManagedHeader_FailsWith400AndSetsNothing(string header)
    {
        var run = Run($$"""[ { "type": "set-header", "name": "{{NameFromRequest}}", "value": "0" } ]""", header);

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.Equal(("set-header", "InvalidHeaderName", 400), (run.LastError!.Source, run.LastError.Reason, run.LastError.StatusCode));
        Assert.Contains("header the gateway manages", run.LastError.Message, StringComparison.Ordinal);
        Assert.NotEqual("0", run.Http.Request.Headers[header].ToString());
    }

    [Fact]
    public void SetHeader_ExpressionNamesAnOrdinaryHeader_Set()
    {
        var run = Run($$"""[ { "type": "set-header", "name": "{{NameFromRequest}}", "value": "0" } ]""", "X-Team");

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Equal("0", run.Http.Request.Headers["X-Team"].ToString());
    }

    [Fact]
    public void ReturnResponse_ExpressionNamesAManagedHeader_FailsWith400()
    {
        var run = Run($$"""[ { "type": "return-response", "statusCode": 200, "headers": [ { "name": "{{NameFromRequest}}", "value": "chunked" } ] } ]""",
            "Transfer-Encoding");

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.Equal(("return-response", "InvalidHeaderName", 400), (run.LastError!.Source, run.LastError.Reason, run.LastError.StatusCode));
        Assert.False(run.Http.Response.Headers.ContainsKey("Transfer-Encoding"));
    }
}
