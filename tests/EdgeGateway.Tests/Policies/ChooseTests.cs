using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;
using Microsoft.AspNetCore.Http;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Policies;

public sealed class ChooseTests
{
    private const string ByMode = """
        { "type": "choose",
          "when": [ { "condition": "@(context.Request.Headers.GetValueOrDefault(\"X-Mode\", \"\") == \"a\")", "policies": [ MARK_A ] },
                    { "condition": "@(context.Request.Headers.GetValueOrDefault(\"X-Mode\", \"\") == \"b\" || context.Request.Headers.GetValueOrDefault(\"X-Mode\", \"\") == \"a\")", "policies": [ MARK_B ] } ],
          "otherwise": [ MARK_O ] }
        """;

    private static PolicyRun Api(string inbound, string outbound = "[]", string onError = "[]", Action<HttpRequest>? request = null, string? subscriptionId = null) =>
        new PipelineHarness(Doc($$"""
[ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] },
            "policies": { "inbound": {{inbound}}, "outbound": {{outbound}}, "onError": {{onError}} } } ]
""")).Run("a", subscriptionId: subscriptionId, request: request);

    private static string Marks(string text) =>
        text.Replace("MARK_A", Mark("a"), StringComparison.Ordinal).Replace("MARK_B", Mark("b"), StringComparison.Ordinal).Replace("MARK_O", Mark("o"), StringComparison.Ordinal);

    [Theory]
    [InlineData("a", "a,after")]
    [InlineData("b", "b,after")]
    [InlineData("c", "o,after")]
    [InlineData(null, "o,after")]
    public void Choose_HeaderConditions_FirstTrueBranchOnlyElseOtherwiseThenTheRest(string? mode, string expected)
    {
        var run = Api($"[ {Marks(ByMode)}, {Mark("after")} ]", request: r =>
        {
            if (mode is not null)
            {
                r.Headers["X-Mode"] = mode;
            }
        });

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Equal(expected, run.Http.Request.Headers["X-Order"].ToString());
    }

    [Fact]
    public void Choose_NoBranchTrueAndNoOtherwise_NothingRuns()
    {
        var run = Api($$"""[ { "type": "choose", "when": [ { "condition": "false", "policies": [ {{Mark("w")}} ] } ] }, {{Mark("after")}} ]""");

        Assert.Equal(PolicyResult.Continue, Inbound(run));
        Assert.Equal("after", run.Http.Request.Headers["X-Order"].ToString());
    }

    [Theory]
    [InlineData("gold", "gold")]
    [InlineData("silver", "other")]
    public void Choose_ConditionOnAVariableSetBefore_SeesIt(string tier, string expected)
    {
        var run = Api($$"""
            [ { "type": "set-variable", "name": "tier", "value": "@(context.Request.Headers.GetValueOrDefault(\"X-Tier\", \"\"))" },
              { "type": "choose", "when": [ { "condition": "@(context.Variables[\"tier\"] == \"gold\")", "policies": [ {{Mark("gold")}} ] } ],
                "otherwise": [ {{Mark("other")}} ] } ]
            """, request: r => r.Headers["X-Tier"] = tier);

        Inbound(run);

        Assert.Equal(expected, run.Http.Request.Headers["X-Order"].ToString());
    }

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("bob", "someone")]
    [InlineData(null, "someone")]
    public void Choose_ConditionOnTheSubscription_Branches(string? subscription, string expected)
    {
        var run = Api($$"""
            [ { "type": "choose", "when": [ { "condition": "@(context.Subscription.Id == \"alice\")", "policies": [ {{Mark("alice")}} ] } ],
                "otherwise": [ {{Mark("someone")}} ] } ]
            """, subscriptionId: subscription);

        Inbound(run);

        Assert.Equal(expected, run.Http.Request.Headers["X-Order"].ToString());
    }

    [Fact]
    public void Choose_NestedReturnResponse_AnswersAndStopsTheSection()
    {
        var run = Api($$"""
            [ { "type": "choose", "when": [ { "condition": "true", "policies": [ { "type": "return-response", "statusCode": 418, "body": "teapot" }, {{Mark("nested-after")}} ] } ] },
              {{Mark("after")}} ]
            """);

        Assert.Equal(PolicyResult.Responded, Inbound(run));
        Assert.Equal(418, run.Http.Response.StatusCode);
        Assert.NotNull(run.Answer);
        Assert.False(run.Http.Request.Headers.ContainsKey("X-Order"));
    }

    [Fact]
    public void Choose_NestedCheckHeaderFails_FailsTheSectionWithItsError()
    {
        var run = Api($$"""
            [ { "type": "choose", "when": [ { "condition": "@(context.Request.Method == \"GET\")",
                "policies": [ { "type": "check-header", "name": "X-Key", "failedCheckHttpCode": 401, "failedCheckErrorMessage": "key please" } ] } ] },
              {{Mark("after")}} ]
            """);

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        Assert.Equal(("check-header", "HeaderNotFound", "key please", 401), (run.LastError!.Source, run.LastError.Reason, run.LastError.Message, run.LastError.StatusCode));
        Assert.False(run.Http.Request.Headers.ContainsKey("X-Order"));
    }

    [Theory]
    [InlineData(500, "server-error")]
    [InlineData(200, "fine")]
    public void Choose_Outbound_ConditionOnTheResponseStatusActsOnTheResponse(int status, string expected)
    {
        var run = Api("[]", outbound: """
            [ { "type": "choose", "when": [ { "condition": "@(context.Response.StatusCode >= 500)",
                "policies": [ { "type": "set-header", "name": "X-Verdict", "value": "server-error" } ] } ],
                "otherwise": [ { "type": "set-header", "name": "X-Verdict", "value": "fine" } ] } ]
            """);
        run.Http.Response.StatusCode = status;

        Assert.Equal(PolicyResult.Continue, Outbound(run));
        Assert.Equal(expected, run.Http.Response.Headers["X-Verdict"].ToString());
    }

    [Fact]
    public async Task Choose_OnError_ConditionOnLastErrorSelectsTheAnswer()
    {
        var run = Api("""[ { "type": "check-header", "name": "X-Key", "failedCheckHttpCode": 401, "failedCheckErrorMessage": "no" } ]""", onError: """
            [ { "type": "choose", "when": [ { "condition": "@(context.LastError.Source == \"check-header\")",
                "policies": [ { "type": "return-response", "statusCode": 403, "body": "denied" } ] } ] } ]
            """);

        Assert.Equal(PolicyResult.Failed, Inbound(run));
        var onError = PolicyPipeline.RunAsync(run.Pipeline.OnError, run, Sections.OnError);

        Assert.True(onError.IsCompletedSuccessfully);
        Assert.Equal(PolicyResult.Responded, await onError);
        Assert.Equal(403, run.Http.Response.StatusCode);
    }
}
