using System.Globalization;

namespace EdgeGateway.Contracts.Policies.Expressions;

internal enum ExpressionType
{
    String,
    Int,
    Bool,

    /// <summary>The <c>null</c> literal: compares with strings, and is the empty string in a concatenation.</summary>
    Null,
}

/// <summary>
/// A type-checked expression compiled to a delegate of its type. Constants are folded where they are built, and a
/// concatenation keeps its parts so that <c>a + b + c</c> becomes one <see cref="string.Concat(string, string, string)"/>.
/// </summary>
internal sealed class Bound
{
    private Bound(ExpressionType type, bool constant)
    {
        Type = type;
        IsConstant = constant;
    }

    public ExpressionType Type { get; }

    public bool IsConstant { get; }

    public Func<IPolicyContext, string?> String { get; private init; } = null!;

    public Func<IPolicyContext, int> Int { get; private init; } = null!;

    public Func<IPolicyContext, bool> Bool { get; private init; } = null!;

    /// <summary>For a concatenation: its operands as text, adjacent constants merged.</summary>
    public IReadOnlyList<Bound>? Parts { get; private init; }

    public string TypeName => Type switch
    {
        ExpressionType.String => "string",
        ExpressionType.Int => "int",
        ExpressionType.Bool => "bool",
        _ => "null",
    };

    public static Bound Constant(string? value) =>
        new(value is null ? ExpressionType.Null : ExpressionType.String, true) { String = _ => value };

    public static Bound Constant(int value) => new(ExpressionType.Int, true) { Int = _ => value };

    public static Bound Constant(bool value) => new(ExpressionType.Bool, true) { Bool = value ? _ => true : _ => false };

    public static Bound Of(Func<IPolicyContext, string?> value) => new(ExpressionType.String, false) { String = value };

    public static Bound Of(Func<IPolicyContext, int> value) => new(ExpressionType.Int, false) { Int = value };

    public static Bound Of(Func<IPolicyContext, bool> value) => new(ExpressionType.Bool, false) { Bool = value };

    /// <summary>Folds <paramref name="bound"/> when every input is constant: constant delegates never read the context.</summary>
    public static Bound Fold(Bound bound, params ReadOnlySpan<Bound> inputs)
    {
        foreach (var input in inputs)
        {
            if (!input.IsConstant)
            {
                return bound;
            }
        }

        return bound.Type switch
        {
            ExpressionType.Int => Constant(bound.Int(null!)),
            ExpressionType.Bool => Constant(bound.Bool(null!)),
            _ => Constant(bound.String(null!)),
        };
    }

    /// <summary>The value as text, as C# would concatenate it: <c>null</c> stays null, ints in the invariant culture, bools as True/False.</summary>
    public Func<IPolicyContext, string?> AsText()
    {
        switch (Type)
        {
            case ExpressionType.Int when IsConstant:
                var number = Int(null!).ToString(CultureInfo.InvariantCulture);
                return _ => number;
            case ExpressionType.Int:
                var integer = Int;
                return c => IntText.Of(integer(c));
            case ExpressionType.Bool when IsConstant:
                var flag = Bool(null!) ? bool.TrueString : bool.FalseString;
                return _ => flag;
            case ExpressionType.Bool:
                var condition = Bool;
                return c => condition(c) ? bool.TrueString : bool.FalseString;
            default:
                return String;
        }
    }

    /// <summary><c>left + right</c> where one side is a string: one flat list of parts, constants merged.</summary>
    public static Bound Concat(Bound left, Bound right)
    {
        var parts = new List<Bound>();
        foreach (var side in (ReadOnlySpan<Bound>)[left, right])
        {
            foreach (var part in side.Parts ?? [side])
            {
                var text = part.Type is ExpressionType.String or ExpressionType.Null ? part : Text(part);
                if (text.IsConstant && parts.Count > 0 && parts[^1].IsConstant)
                {
                    parts[^1] = Constant(parts[^1].String(null!) + text.String(null!));
                }
                else
                {
                    parts.Add(text);
                }
            }
        }

        if (parts.Count == 1 && parts[0].IsConstant)
        {
            return Constant(parts[0].String(null!) ?? string.Empty);
        }

        return new Bound(ExpressionType.String, false) { String = Join(parts), Parts = parts };
    }

    private static Bound Text(Bound value) =>
        value.IsConstant ? Constant(value.AsText()(null!)) : Of(value.AsText());

    private static Func<IPolicyContext, string?> Join(List<Bound> parts)
    {
        var first = parts[0].String;
        switch (parts.Count)
        {
            case 1:
                return c => first(c) ?? string.Empty;
            case 2:
                var b2 = parts[1].String;
                return c => string.Concat(first(c), b2(c));
            case 3:
                var (b3, c3) = (parts[1].String, parts[2].String);
                return c => string.Concat(first(c), b3(c), c3(c));
            case 4:
                var (b4, c4, d4) = (parts[1].String, parts[2].String, parts[3].String);
                return c => string.Concat(first(c), b4(c), c4(c), d4(c));
            default:
                // Longer chains: the first four joined, then the rest; rare in policies, one intermediate string each.
                var head = Join(parts[..4]);
                return Join([Of(head), .. parts[4..]]);
        }
    }
}

/// <summary>Status codes and other small numbers as text without allocating per request.</summary>
internal static class IntText
{
    private static readonly string[] Small = Enumerable.Range(0, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    public static string Of(int value) =>
        (uint)value < (uint)Small.Length ? Small[value] : value.ToString(CultureInfo.InvariantCulture);
}
