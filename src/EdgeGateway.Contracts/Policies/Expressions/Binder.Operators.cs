namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>The operators: C#'s meaning on string, int and bool, type-checked, constant-folded where both sides are constant.</summary>
internal sealed partial class Binder
{
    private Bound Unary(UnarySyntax unary)
    {
        var operand = Bind(unary.Operand);
        if (unary.Operator == TokenKind.Bang && operand.Type == ExpressionType.Bool)
        {
            var value = operand.Bool;
            return Bound.Fold(Bound.Of(c => !value(c)), operand);
        }

        if (unary.Operator == TokenKind.Minus && operand.Type == ExpressionType.Int)
        {
            var value = operand.Int;
            return Bound.Fold(Bound.Of(c => unchecked(-value(c))), operand);
        }

        throw new ExpressionException(unary.Position, $"'{Token.Symbol(unary.Operator)}' cannot apply to {operand.TypeName}");
    }

    private Bound Binary(BinarySyntax binary)
    {
        if (CertificateTest(binary) is { } test)
        {
            return test;
        }

        var left = Bind(binary.Left);
        var right = Bind(binary.Right);
        var (l, r) = (left.Type, right.Type);
        var bound = binary.Operator switch
        {
            TokenKind.Plus when IsText(l) || IsText(r) => Bound.Concat(left, right),
            TokenKind.Plus when l == ExpressionType.Int && r == ExpressionType.Int => Ints(left, right, static (a, b) => unchecked(a + b)),
            TokenKind.Minus when l == ExpressionType.Int && r == ExpressionType.Int => Ints(left, right, static (a, b) => unchecked(a - b)),
            TokenKind.EqualEqual or TokenKind.NotEqual => Equality(binary.Operator == TokenKind.EqualEqual, left, right),
            TokenKind.Less when l == ExpressionType.Int && r == ExpressionType.Int => Compare(left, right, static (a, b) => a < b),
            TokenKind.Greater when l == ExpressionType.Int && r == ExpressionType.Int => Compare(left, right, static (a, b) => a > b),
            TokenKind.LessEqual when l == ExpressionType.Int && r == ExpressionType.Int => Compare(left, right, static (a, b) => a <= b),
            TokenKind.GreaterEqual when l == ExpressionType.Int && r == ExpressionType.Int => Compare(left, right, static (a, b) => a >= b),
            TokenKind.AndAnd when l == ExpressionType.Bool && r == ExpressionType.Bool => And(left.Bool, right.Bool),
            TokenKind.OrOr when l == ExpressionType.Bool && r == ExpressionType.Bool => Or(left.Bool, right.Bool),
            TokenKind.QuestionQuestion when IsText(l) && IsText(r) => Coalesce(left.String, right.String),
            _ => null,
        };

        return bound is null
            ? throw new ExpressionException(binary.Position, $"'{Token.Symbol(binary.Operator)}' between {left.TypeName} and {right.TypeName}{Hint(binary.Operator)}")
            : Bound.Fold(bound, left, right);
    }

    private static string Hint(TokenKind op) => op switch
    {
        TokenKind.Less or TokenKind.Greater or TokenKind.LessEqual or TokenKind.GreaterEqual => " (they compare ints)",
        TokenKind.AndAnd or TokenKind.OrOr => " (they combine bools)",
        TokenKind.EqualEqual or TokenKind.NotEqual => " (both sides must have the same type)",
        TokenKind.Plus => " ('+' joins text to anything, or adds ints)",
        _ => string.Empty,
    };

    private static bool IsText(ExpressionType type) => type is ExpressionType.String or ExpressionType.Null;

    private static Bound Ints(Bound left, Bound right, Func<int, int, int> op)
    {
        var (a, b) = (left.Int, right.Int);
        return Bound.Of(c => op(a(c), b(c)));
    }

    private static Bound Compare(Bound left, Bound right, Func<int, int, bool> op)
    {
        var (a, b) = (left.Int, right.Int);
        return Bound.Of(c => op(a(c), b(c)));
    }

    private static Bound And(Func<IPolicyContext, bool> a, Func<IPolicyContext, bool> b) => Bound.Of(c => a(c) && b(c));

    private static Bound Or(Func<IPolicyContext, bool> a, Func<IPolicyContext, bool> b) => Bound.Of(c => a(c) || b(c));

    private static Bound Coalesce(Func<IPolicyContext, string?> a, Func<IPolicyContext, string?> b) => Bound.Of(c => a(c) ?? b(c));

    private static Bound? Equality(bool equal, Bound left, Bound right)
    {
        Bound? same;
        if (IsText(left.Type) && IsText(right.Type))
        {
            var (a, b) = (left.String, right.String);
            same = Bound.Of(c => string.Equals(a(c), b(c), StringComparison.Ordinal));
        }
        else if (left.Type == right.Type && left.Type == ExpressionType.Int)
        {
            var (a, b) = (left.Int, right.Int);
            same = Bound.Of(c => a(c) == b(c));
        }
        else if (left.Type == right.Type && left.Type == ExpressionType.Bool)
        {
            var (a, b) = (left.Bool, right.Bool);
            same = Bound.Of(c => a(c) == b(c));
        }
        else
        {
            return null;
        }

        if (equal)
        {
            return same;
        }

        var test = same.Bool;
        return Bound.Of(c => !test(c));
    }

    private Bound Conditional(ConditionalSyntax conditional)
    {
        var condition = Bind(conditional.Condition);
        if (condition.Type != ExpressionType.Bool)
        {
            throw new ExpressionException(conditional.Position, $"the condition of '?:' must be a bool, not {condition.TypeName}");
        }

        var (yes, no) = (Bind(conditional.WhenTrue), Bind(conditional.WhenFalse));
        var test = condition.Bool;
        Bound? bound = null;
        if (IsText(yes.Type) && IsText(no.Type))
        {
            var (a, b) = (yes.String, no.String);
            bound = Bound.Of(c => test(c) ? a(c) : b(c));
        }
        else if (yes.Type == no.Type && yes.Type == ExpressionType.Int)
        {
            var (a, b) = (yes.Int, no.Int);
            bound = Bound.Of(c => test(c) ? a(c) : b(c));
        }
        else if (yes.Type == no.Type && yes.Type == ExpressionType.Bool)
        {
            var (a, b) = (yes.Bool, no.Bool);
            bound = Bound.Of(c => test(c) ? a(c) : b(c));
        }

        if (bound is not null)
        {
            return condition.IsConstant ? (test(null!) ? yes : no) : bound;
        }

        throw new ExpressionException(conditional.Position, $"the branches of '?:' must have the same type, not {yes.TypeName} and {no.TypeName}");
    }
}
