namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// Compiles policy attribute text, once per snapshot: named values (<c>{{name}}</c>) are substituted first, textually,
/// as APIM does; then a text that starts with <c>@(</c> or <c>@{</c> is an expression of the subset in
/// docs/policies.md#expressions, parsed and type-checked into delegates (never compiled or run as C#), and anything
/// else is a literal. Both planes compile through here, so they refuse the same texts with the same messages.
/// </summary>
public static class PolicyExpressions
{
    /// <summary>The longest expression accepted, in characters (after named values are substituted).</summary>
    public const int MaxLength = 2048;

    /// <summary>Whether <paramref name="text"/> is more than a plain literal: an expression, or named value references.</summary>
    public static bool IsTemplate(string text) => IsExpression(text) || text.Contains("{{", StringComparison.Ordinal);

    public static bool IsExpression(string text) =>
        text.StartsWith("@(", StringComparison.Ordinal) || text.StartsWith("@{", StringComparison.Ordinal);

    /// <summary>A value: its expression may have any type, and is turned into text as C# would (ints invariant, True/False).</summary>
    public static PolicyValueResult CompileValue(string text, NamedValueSet namedValues, Sections section)
    {
        var compiled = ExpressionCompiler.Compile(text, namedValues, section);
        if (compiled.Errors.Count > 0)
        {
            return new(null, compiled.Errors);
        }

        if (compiled.Bound is not { } bound)
        {
            return new(new PolicyValue(text, compiled.NamedValues, Withheld<string>(text), isConstant: false, isKnown: false), []);
        }

        Func<IPolicyContext, string> evaluate;
        if (bound.IsConstant)
        {
            var constant = bound.AsText()(null!) ?? string.Empty;
            evaluate = _ => constant;
        }
        else
        {
            var read = bound.AsText();
            evaluate = c => read(c) ?? string.Empty;
        }

        return new(new PolicyValue(text, compiled.NamedValues, evaluate, bound.IsConstant, isKnown: true), []);
    }

    /// <summary>A condition: a bool expression, or the literal true or false.</summary>
    public static PolicyConditionResult CompileCondition(string text, NamedValueSet namedValues, Sections section)
    {
        var compiled = ExpressionCompiler.Compile(text, namedValues, section);
        if (compiled.Errors.Count > 0)
        {
            return new(null, compiled.Errors);
        }

        if (compiled.Bound is not { } bound)
        {
            return new(new PolicyCondition(text, compiled.NamedValues, Withheld<bool>(text), isConstant: false, isKnown: false), []);
        }

        if (!compiled.IsExpression)
        {
            var literal = bound.String(null!);
            return bool.TryParse(literal, out var flag)
                ? new(new PolicyCondition(text, compiled.NamedValues, flag ? _ => true : _ => false, isConstant: true, isKnown: true), [])
                : new(null, [$"'{ExpressionCompiler.Short(text)}': a condition must be an expression like '@(context.Request.Method == \"GET\")', or true or false"]);
        }

        if (bound.Type != ExpressionType.Bool)
        {
            return new(null, [$"'{ExpressionCompiler.Short(text)}': a condition must be a bool expression, not {bound.TypeName}"]);
        }

        return new(new PolicyCondition(text, compiled.NamedValues, bound.Bool, bound.IsConstant, isKnown: true), []);
    }

    /// <summary>Text taken as it is: no named values, no expression (data such as an imported example body, never policy text).</summary>
    public static PolicyValue Literal(string text) => new(text, [], _ => text, isConstant: true, isKnown: true);

    private static Func<IPolicyContext, T> Withheld<T>(string text) =>
        _ => throw new InvalidOperationException($"'{ExpressionCompiler.Short(text)}' references a withheld secret named value and cannot be evaluated");
}
