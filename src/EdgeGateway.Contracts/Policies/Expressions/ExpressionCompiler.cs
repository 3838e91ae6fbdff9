using System.Text;

namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>The steps shared by values and conditions: substitute named values, then parse and bind an expression.</summary>
internal static class ExpressionCompiler
{
    private const int ShownLength = 100;

    public static Compiled Compile(string text, NamedValueSet namedValues, Sections section)
    {
        var (substituted, references, errors, withheld, secret) = Substitute(text, namedValues);
        if (errors.Count > 0)
        {
            return new(null, references, errors, false);
        }

        if (withheld)
        {
            // The secret's text is part of the value (maybe of an expression): nothing more can be checked without it.
            return new(null, references, [], IsExpression(substituted));
        }

        if (!PolicyExpressions.IsExpression(substituted))
        {
            return new(Bound.Constant(substituted), references, [], false);
        }

        if (substituted.Length > PolicyExpressions.MaxLength)
        {
            return new(null, references, [Describe(text, substituted, secret, 0, $"the expression is longer than {PolicyExpressions.MaxLength} characters")], true);
        }

        try
        {
            var syntax = Parser.Parse(substituted);
            return new(new Binder(section).Bind(syntax), references, [], true);
        }
        catch (ExpressionException e)
        {
            return new(null, references, [Describe(text, substituted, secret, e.Position, e.Message)], true);
        }
    }

    public static string Short(string text) =>
        text.Length <= ShownLength ? text : string.Concat(text.AsSpan(0, ShownLength - 3), "...");

    private static bool IsExpression(string text) => PolicyExpressions.IsExpression(text);

    private static string Describe(string original, string substituted, bool secret, int position, string problem)
    {
        if (secret)
        {
            // The problem may quote the secret's text: say only where to look.
            return $"'{Short(original)}' is not a valid expression once its named values are substituted (details are not shown: a secret named value is involved)";
        }

        var after = original == substituted ? string.Empty : " (after named values are substituted)";
        return $"'{Short(substituted)}'{after} at column {position + 1}: {problem}";
    }

    /// <summary>Replaces each <c>{{name}}</c> by its value (see <see cref="NamedValueReferences.TryFind"/>).</summary>
    private static (string Text, List<string> References, List<string> Errors, bool Withheld, bool Secret) Substitute(string text, NamedValueSet namedValues)
    {
        var references = new List<string>();
        var errors = new List<string>();
        var (withheld, secret) = (false, false);
        if (!NamedValueReferences.TryFind(text, 0, out _, out _, out _))
        {
            return (text, references, errors, withheld, secret);
        }

        var result = new StringBuilder(text.Length);
        var at = 0;
        while (NamedValueReferences.TryFind(text, at, out var start, out var end, out var id))
        {
            result.Append(text, at, start - at);
            if (!namedValues.TryGet(id, out var definition))
            {
                errors.Add($"references named value '{id}', which is not defined");
            }
            else
            {
                if (!references.Contains(definition.Id!, StringComparer.OrdinalIgnoreCase))
                {
                    references.Add(definition.Id!);
                }

                withheld |= definition.Value is null;
                secret |= definition.Secret;
                result.Append(definition.Value);
            }

            at = end;
        }

        result.Append(text, at, text.Length - at);
        return (result.ToString(), references, errors, withheld, secret);
    }

    public sealed record Compiled(Bound? Bound, IReadOnlyList<string> NamedValues, IReadOnlyList<string> Errors, bool IsExpression);
}
