using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Tests.Policies;

public sealed class PolicyValueTests
{
    private static readonly FakePolicyContext Request = new();

    [Theory]
    [InlineData("@(context.Subscription.Id)", "sub-1")]
    [InlineData("@(context.Subscription.Key)", "key-1")]
    [InlineData("@(context.Request.IpAddress)", "203.0.113.7")]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\"X-Name\", \"default\"))", "alice")]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\"X-Missing\", \"default\"))", "default")]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\"x-name\"))", "alice")]
    [InlineData("@(context.Request.Url.Query.GetValueOrDefault(\"q\", \"\"))", "books")]
    [InlineData("@(context.Request.Url.Query.GetValueOrDefault(\"page\", \"1\"))", "1")]
    [InlineData("@(context.Request.Url.Path)", "/echo/items/42")]
    [InlineData("@(context.Request.Method)", "GET")]
    [InlineData("@(context.Variables[\"name\"])", "v1")]
    [InlineData("@((string)context.Variables[\"name\"])", "v1")]
    [InlineData("@(context.Variables.GetValueOrDefault<string>(\"nope\", \"d\"))", "d")]
    [InlineData("@(context.Variables.GetValueOrDefault(\"name\", \"d\"))", "v1")]
    [InlineData("@(context.Api.Id)", "echo")]
    [InlineData("@(context.Api.Name)", "Echo API")]
    [InlineData("@(context.Operation.Id)", "get-item")]
    [InlineData("@(context.Product.Id)", "starter")]
    [InlineData("@(context.Product.Name)", "Starter")]
    [InlineData("@(context.Product?.Name)", "Starter")]
    [InlineData("@(context.Deployment.Region)", "westeurope")]
    [InlineData("@(((Jwt)context.Variables[\"jwt\"]).Claims.GetValueOrDefault(\"sub\", \"\"))", "user-9")]
    [InlineData("@(((Jwt)context.Variables[\"jwt\"]).Claims.GetValueOrDefault(\"scp\", \"none\"))", "none")]
    [InlineData("@{ return context.Request.Method + \" \" + context.Request.Url.Path; }", "GET /echo/items/42")]
    [InlineData("@{return \"x\";}", "x")]
    [InlineData("@(\"id-\" + context.Subscription.Id + \"/\" + context.Api.Id)", "id-sub-1/echo")]
    public void Evaluate_SupportedForm_ReadsTheRequest(string text, string expected)
    {
        Assert.Equal(expected, Compile.Value(text).Evaluate(Request));
    }

    [Fact]
    public void Evaluate_LongConcatenation_JoinsEveryPart()
    {
        var value = Compile.Value("@(\"a\" + context.Request.Method + \"b\" + context.Api.Id + \"c\" + context.Operation.Id + \"d\" + context.Subscription.Id + \"e\" + context.Product.Id)");

        Assert.Equal("aGETbechocget-itemdsub-1estarter", value.Evaluate(Request));
    }

    [Theory]
    [InlineData("@(context.Response.StatusCode)", "200")]
    [InlineData("@(context.Response.StatusCode + 1)", "201")]
    [InlineData("@(\"status \" + context.Response.StatusCode)", "status 200")]
    [InlineData("@(context.Response.StatusCode.ToString())", "200")]
    [InlineData("@(context.Response.StatusCode >= 500)", "False")]
    [InlineData("@(context.Response.Headers.GetValueOrDefault(\"cache-control\", \"\"))", "no-store")]
    public void Evaluate_ResponseInOutbound_ReadsTheResponse(string text, string expected)
    {
        Assert.Equal(expected, Compile.Value(text, Sections.Outbound).Evaluate(Request));
    }

    [Theory]
    [InlineData("@(context.LastError.Source)", "forward-request")]
    [InlineData("@(context.LastError.Reason + \": \" + context.LastError.Message)", "Timeout: the backend did not answer in time")]
    [InlineData("@(context.Response.StatusCode)", "200")]
    public void Evaluate_LastErrorInOnError_ReadsTheError(string text, string expected)
    {
        Assert.Equal(expected, Compile.Value(text, Sections.OnError).Evaluate(Request));
    }

    [Theory]
    [InlineData("@(context.Request.Method == \"GET\")", true)]
    [InlineData("@(context.Request.Method != \"GET\")", false)]
    [InlineData("@(context.Request.Method == \"get\")", false)]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\"X-Missing\") == null)", true)]
    [InlineData("@(context.Subscription.Id != null && context.Product.Name == \"Starter\")", true)]
    [InlineData("@(context.Request.Method == \"POST\" || context.Api.Id == \"echo\")", true)]
    [InlineData("@(!(context.Request.Method == \"GET\"))", false)]
    [InlineData("@(1 < 2 && 3 > 2 && 2 <= 2 && 2 >= 3 == false)", true)]
    [InlineData("@(1 + 2 == 3)", true)]
    [InlineData("@(5 - 7 == -2)", true)]
    [InlineData("@(true == !false)", true)]
    [InlineData("@(context.Api.Id == \"echo\" ? true : false)", true)]
    [InlineData("@{ return context.Variables[\"name\"] == \"v1\"; }", true)]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public void EvaluateCondition_SupportedOperators_DecideAsCSharpWould(string text, bool expected)
    {
        Assert.Equal(expected, Compile.Condition(text).Evaluate(Request));
    }

    [Theory]
    [InlineData("@(1 + 2 + \"a\")", "3a")]
    [InlineData("@(\"a\" + 1 + 2)", "a12")]
    [InlineData("@(\"a\" + true)", "aTrue")]
    [InlineData("@(\"a\" + null + \"b\")", "ab")]
    [InlineData("@(\"q: \\\"x\\\" \\\\ y\")", "q: \"x\" \\ y")]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\"X-Missing\") ?? \"none\")", "none")]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\"X-Missing\"))", "")]
    [InlineData("@(context.Request.Method == \"GET\" ? \"read\" : \"write\")", "read")]
    [InlineData("@(2147483647 + 1)", "-2147483648")]
    [InlineData("@((int)7)", "7")]
    [InlineData("@( ( ( \"nested\" ) ) )", "nested")]
    public void Evaluate_Operators_FollowCSharp(string text, string expected)
    {
        Assert.Equal(expected, Compile.Value(text).Evaluate(Request));
    }

    [Theory]
    [InlineData("plain text")]
    [InlineData("@(\"a\" + \"b\" + 1)")]
    [InlineData("@(1 + 2 == 3 ? \"yes\" : \"no\")")]
    [InlineData("@{ return \"x\" + \"y\"; }")]
    public void Evaluate_Constant_SameInstanceEveryTime(string text)
    {
        var value = Compile.Value(text);

        Assert.True(value.IsConstant);
        Assert.Same(value.Evaluate(Request), value.Evaluate(new FakePolicyContext { Method = "POST" }));
    }

    [Fact]
    public void Evaluate_RequestValue_DependsOnTheRequest()
    {
        var value = Compile.Value("@(context.Request.Method)");

        Assert.False(value.IsConstant);
        Assert.Equal("POST", value.Evaluate(new FakePolicyContext { Method = "POST" }));
        Assert.Same(Request.Method, value.Evaluate(Request));
    }

    [Fact]
    public void Evaluate_AbsentSubscription_EmptyText()
    {
        var value = Compile.Value("@(context.Subscription.Id)");

        Assert.Equal(string.Empty, value.Evaluate(new FakePolicyContext { SubscriptionId = null }));
    }

    [Theory]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\"X-Name\", \"default\"))")]
    [InlineData("@(context.Request.Headers.GetValueOrDefault(\"X-Missing\", \"default\"))")]
    [InlineData("@(((Jwt)context.Variables[\"jwt\"]).Claims.GetValueOrDefault(\"sub\", \"\"))")]
    [InlineData("@(context.Response.StatusCode)")]
    [InlineData("@(context.Request.Method == \"GET\" ? context.Subscription.Id : \"none\")")]
    [InlineData("{{static}}")]
    public void Evaluate_ReadingWhatTheRequestHolds_AllocatesNothing(string text)
    {
        var value = Compile.Value(text, Sections.Outbound, Compile.Values(("static", "v", false)));
        var condition = Compile.Condition("@(context.Request.Method == \"GET\" && context.Response.StatusCode < 300 || !(context.Api.Id != \"echo\"))", Sections.Outbound);
        value.Evaluate(Request);
        condition.Evaluate(Request);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            value.Evaluate(Request);
            condition.Evaluate(Request);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
