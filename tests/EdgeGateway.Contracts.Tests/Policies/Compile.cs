using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Tests.Policies;

/// <summary>Shortcuts: compile a text and insist it compiled (or failed), showing the errors when it did not.</summary>
internal static class Compile
{
    public static NamedValueSet NoNamedValues => NamedValueSet.Empty;

    public static NamedValueSet Values(params (string Id, string? Value, bool Secret)[] values) =>
        new(values.Select(v => new NamedValueDefinition { Id = v.Id, Value = v.Value, Secret = v.Secret }));

    public static PolicyValue Value(string text, Sections section = Sections.Inbound, NamedValueSet? namedValues = null)
    {
        var result = PolicyExpressions.CompileValue(text, namedValues ?? NoNamedValues, section);
        Assert.True(result.Value is not null, string.Join("\n", result.Errors));
        return result.Value!;
    }

    public static PolicyCondition Condition(string text, Sections section = Sections.Inbound)
    {
        var result = PolicyExpressions.CompileCondition(text, NoNamedValues, section);
        Assert.True(result.Condition is not null, string.Join("\n", result.Errors));
        return result.Condition!;
    }

    public static string Error(string text, Sections section = Sections.Inbound, NamedValueSet? namedValues = null)
    {
        var result = PolicyExpressions.CompileValue(text, namedValues ?? NoNamedValues, section);
        Assert.Null(result.Value);
        return Assert.Single(result.Errors);
    }

    public static string ConditionError(string text, Sections section = Sections.Inbound)
    {
        var result = PolicyExpressions.CompileCondition(text, NoNamedValues, section);
        Assert.Null(result.Condition);
        return Assert.Single(result.Errors);
    }
}
