using EdgeGateway.Policies;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Policies;

public sealed class MockResponseTests
{
    private const string Examples = """
        [ { "statusCode": 200, "contentType": "application/json", "body": "{\"id\":1,\"note\":\"{{not-a-named-value}} @(not code)\"}" },
          { "statusCode": 200, "contentType": "text/plain", "body": "one" },
          { "statusCode": 201, "contentType": "application/json", "body": "{\"created\":true}" } ]
        """;

    private static PipelineHarness Harness(string apiPolicies, string operationPolicies = "null") => new(Doc($$"""
        [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] }, "policies": {{apiPolicies}},
            "operations": [ { "id": "get-item", "method": "GET", "urlTemplate": "/items/{id}", "examples": {{Examples}}, "policies": {{operationPolicies}} },
                            { "id": "plain", "method": "GET", "urlTemplate": "/plain" } ] } ]
        """));

    private static async Task<(int Status, string? ContentType, string Body)> Answer(PolicyRun run)
    {
        Assert.Equal(PolicyResult.Responded, Inbound(run));
        await run.Answer!.WriteBodyAsync(run);
        var body = System.Text.Encoding.UTF8.GetString(((MemoryStream)run.Http.Response.Body).ToArray());
        Assert.Equal(body.Length, (int)run.Http.Response.ContentLength!);
        return (run.Http.Response.StatusCode, run.Http.Response.ContentType, body);
    }

    [Fact]
    public async Task MockResponse_ApiScopeDefaults_TheOperationsFirst200ExampleVerbatim()
    {
        var harness = Harness("""{ "inbound": [ { "type": "mock-response" } ] }""");

        var answer = await Answer(harness.Run("a", "get-item"));

        Assert.Equal((200, "application/json", """{"id":1,"note":"{{not-a-named-value}} @(not code)"}"""), answer);
    }

    [Theory]
    [InlineData("""{ "type": "mock-response", "statusCode": 201 }""", 201, "application/json", """{"created":true}""")]
    [InlineData("""{ "type": "mock-response", "contentType": "text/plain" }""", 200, "text/plain", "one")]
    [InlineData("""{ "type": "mock-response", "statusCode": 404 }""", 404, null, "")]
    [InlineData("""{ "type": "mock-response", "statusCode": 200, "contentType": "application/xml" }""", 200, "application/xml", "")]
    public async Task MockResponse_OperationScope_StatusAndContentTypeSelectTheExample(string mock, int status, string? contentType, string body)
    {
        var harness = Harness("null", $$"""{ "inbound": [ {{mock}} ] }""");

        Assert.Equal((status, contentType, body), await Answer(harness.Run("a", "get-item")));
    }

    [Fact]
    public async Task MockResponse_OperationWithoutExamples_EmptyBodyWithTheStatus()
    {
        var harness = Harness("""{ "inbound": [ { "type": "mock-response", "statusCode": 202 } ] }""");

        Assert.Equal((202, null, ""), await Answer(harness.Run("a", "plain")));
    }

    [Fact]
    public async Task MockResponse_Outbound_ReplacesTheBackendsResponse()
    {
        var harness = Harness("""{ "outbound": [ { "type": "mock-response" } ] }""");
        var run = harness.Run("a", "get-item");
        run.Http.Response.StatusCode = 500;
        run.Http.Response.Headers["X-From-Backend"] = "yes";

        Assert.Equal(PolicyResult.Responded, Outbound(run));
        await run.Answer!.WriteBodyAsync(run);

        Assert.Equal(200, run.Http.Response.StatusCode);
        Assert.False(run.Http.Response.Headers.ContainsKey("X-From-Backend"));
        Assert.Equal("application/json", run.Http.Response.ContentType);
    }
}
