using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Contracts.Tests.Policies;

public sealed class NamedValueTemplateTests
{
    private static readonly FakePolicyContext Request = new();

    [Fact]
    public void CompileValue_PlainNamedValues_SubstitutedCaseInsensitively()
    {
        var values = Compile.Values(("Backend-Host", "api.example.com", false), ("env", "prod", false));

        var value = Compile.Value("https://{{backend-host}}/{{ENV}}/{{env}}", namedValues: values);

        Assert.True(value.IsConstant);
        Assert.Equal("https://api.example.com/prod/prod", value.Evaluate(Request));
        Assert.Equal(["Backend-Host", "env"], value.NamedValues);
    }

    [Fact]
    public void CompileValue_NamedValueHoldingAnExpression_EvaluatedAsOne()
    {
        var values = Compile.Values(("who", "@(context.Subscription.Id + \"@\" + context.Api.Id)", false));

        var value = Compile.Value("{{who}}", namedValues: values);

        Assert.False(value.IsConstant);
        Assert.Equal("sub-1@echo", value.Evaluate(Request));
    }

    [Fact]
    public void CompileValue_NamedValueInsideAnExpression_SubstitutedFirst()
    {
        var values = Compile.Values(("header", "X-Name", false));

        var value = Compile.Value("@(context.Request.Headers.GetValueOrDefault(\"{{header}}\", \"\"))", namedValues: values);

        Assert.Equal("alice", value.Evaluate(Request));
    }

    [Fact]
    public void CompileValue_UnknownNamedValues_EachNamed()
    {
        var result = PolicyExpressions.CompileValue("{{a}} and {{b}} and {{known}}", Compile.Values(("known", "k", false)), Sections.Inbound);

        Assert.Null(result.Value);
        Assert.Equal(["references named value 'a', which is not defined", "references named value 'b', which is not defined"], result.Errors);
    }

    [Fact]
    public void CompileValue_WithheldSecret_ReferencePassesButNoValue()
    {
        var values = Compile.Values(("token", null, true));

        var result = PolicyExpressions.CompileValue("Bearer {{token}}", values, Sections.Inbound);

        Assert.Empty(result.Errors);
        Assert.False(result.Value!.IsKnown);
        Assert.Equal(["token"], result.Value.NamedValues);
        Assert.Throws<InvalidOperationException>(() => result.Value.Evaluate(Request));
    }

    [Fact]
    public void CompileValue_SecretInABrokenExpression_MessageHidesTheSecret()
    {
        var values = Compile.Values(("token", "s3cr3t\"", true));

        var error = Compile.Error("@(\"Bearer {{token}}\")", namedValues: values);

        Assert.DoesNotContain("s3cr3t", error, StringComparison.Ordinal);
        Assert.Equal("'@(\"Bearer {{token}}\")' is not a valid expression once its named values are substituted (details are not shown: a secret named value is involved)", error);
    }

    [Fact]
    public void CompileValue_SecretInAValidValue_Evaluates()
    {
        var value = Compile.Value("Bearer {{token}}", namedValues: Compile.Values(("token", "s3cr3t", true)));

        Assert.Equal("Bearer s3cr3t", value.Evaluate(Request));
        Assert.Equal("Bearer {{token}}", value.Text);
    }

    [Fact]
    public void CompileValue_BrokenExpressionFromANamedValue_SaysSubstituted()
    {
        var error = Compile.Error("{{expr}}", namedValues: Compile.Values(("expr", "@(context.Request.Body)", false)));

        Assert.Equal(
            "'@(context.Request.Body)' (after named values are substituted) at column 19: 'context.Request.Body' is not in the supported subset (see docs/policies.md#expressions)",
            error);
    }

    [Theory]
    [InlineData("{{{a}}", "{x")]
    [InlineData("{{a}}}", "x}")]
    [InlineData("{{ a }}", null)]
    [InlineData("{a}} {{", "{a}} {{")]
    public void CompileValue_BracesAroundReferences_ReadAsThePatternDoes(string text, string? expected)
    {
        var result = PolicyExpressions.CompileValue(text, Compile.Values(("a", "x", false)), Sections.Inbound);

        Assert.Equal(expected, result.Value?.Evaluate(Request));
        Assert.Equal(expected is null ? ["references named value ' a ', which is not defined"] : [], result.Errors);
    }
}
