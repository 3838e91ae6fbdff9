namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// A policy attribute's expression compiled once per snapshot. <see cref="Evaluate"/> reads the request through
/// <see cref="IPolicyContext"/>; a constant returns the same value (for text, the same string instance) every time.
/// </summary>
public abstract class CompiledPolicyExpression<T>
{
    private readonly Func<IPolicyContext, T> evaluate;

    private protected CompiledPolicyExpression(string text, IReadOnlyList<string> namedValues, Func<IPolicyContext, T> evaluate, bool isConstant, bool isKnown)
    {
        Text = text;
        NamedValues = namedValues;
        this.evaluate = evaluate;
        IsConstant = isConstant;
        IsKnown = isKnown;
    }

    /// <summary>The attribute as written, before named values are substituted (never a secret's content).</summary>
    public string Text { get; }

    /// <summary>The ids of the named values the text references, as the snapshot spells them, each once.</summary>
    public IReadOnlyList<string> NamedValues { get; }

    /// <summary>The value does not depend on the request.</summary>
    public bool IsConstant { get; }

    /// <summary>False when a referenced secret was withheld: the text was checked as far as it can be, but cannot be evaluated.</summary>
    public bool IsKnown { get; }

    public T Evaluate(IPolicyContext context) => evaluate(context);
}

/// <summary>A policy attribute's value: a literal (named values substituted), or an expression giving text.</summary>
public sealed class PolicyValue : CompiledPolicyExpression<string>
{
    internal PolicyValue(string text, IReadOnlyList<string> namedValues, Func<IPolicyContext, string> evaluate, bool isConstant, bool isKnown)
        : base(text, namedValues, evaluate, isConstant, isKnown)
    {
    }
}

/// <summary>A condition (<c>incrementCondition</c>, <c>when</c>): an expression giving a bool.</summary>
public sealed class PolicyCondition : CompiledPolicyExpression<bool>
{
    internal PolicyCondition(string text, IReadOnlyList<string> namedValues, Func<IPolicyContext, bool> evaluate, bool isConstant, bool isKnown)
        : base(text, namedValues, evaluate, isConstant, isKnown)
    {
    }
}

/// <summary>A compiled value, or why the text is refused (messages without a path: the caller knows where the text stands).</summary>
public sealed record PolicyValueResult(PolicyValue? Value, IReadOnlyList<string> Errors);

/// <summary>A compiled condition, or why the text is refused.</summary>
public sealed record PolicyConditionResult(PolicyCondition? Condition, IReadOnlyList<string> Errors);
