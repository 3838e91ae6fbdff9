namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// Recursive descent over the subset's grammar (docs/policies.md#expressions), C#'s precedence from low to high:
/// <c>?:</c>, <c>??</c>, <c>||</c>, <c>&amp;&amp;</c>, <c>== !=</c>, <c>&lt; &gt; &lt;= &gt;=</c>, <c>+ -</c>, unary
/// <c>! -</c> and casts, then member access, calls and indexers. Anything else is an <see cref="ExpressionException"/>.
/// </summary>
internal sealed class Parser
{
    public const int MaxDepth = 32;

    /// <summary>Binary operators are parsed in a loop but bound recursively: this bounds that recursion too.</summary>
    public const int MaxOperators = 256;

    private readonly List<Token> tokens;
    private int index;
    private int depth;
    private int operatorCount;

    private Parser(List<Token> tokens) => this.tokens = tokens;

    private Token Current => tokens[index];

    /// <summary>Parses <c>@(expression)</c> or <c>@{ return expression; }</c>; <paramref name="text"/> starts with one of them.</summary>
    public static Syntax Parse(string text)
    {
        var parser = new Parser(Tokenizer.Tokenize(text, 1));
        return text[1] == '(' ? parser.Single() : parser.Block();
    }

    private Syntax Single()
    {
        Expect(TokenKind.LParen, "'('");
        var expression = Conditional();
        if (Current.Kind != TokenKind.RParen)
        {
            throw Unexpected(Current.Kind == TokenKind.Semicolon
                ? "statements are not supported: '@(...)' holds one expression; ';'"
                : "expected ')' or an operator");
        }

        index++;
        if (Current.Kind != TokenKind.End)
        {
            throw new ExpressionException(Current.Position, "text after the expression's closing ')': an expression must be the whole value");
        }

        return expression;
    }

    private Syntax Block()
    {
        Expect(TokenKind.LBrace, "'{'");
        if (Current is not { Kind: TokenKind.Identifier, Text: "return" })
        {
            throw new ExpressionException(Current.Position, "only '@{ return <expression>; }' is supported: one return statement");
        }

        index++;
        var expression = Conditional();
        if (Current.Kind != TokenKind.Semicolon)
        {
            throw Unexpected("expected ';' after the returned expression, or an operator");
        }

        index++;
        if (Current.Kind != TokenKind.RBrace)
        {
            throw new ExpressionException(Current.Position, "only one statement is supported: '@{ return <expression>; }'");
        }

        index++;
        if (Current.Kind != TokenKind.End)
        {
            throw new ExpressionException(Current.Position, "text after the block's closing '}': an expression must be the whole value");
        }

        return expression;
    }

    private Syntax Conditional()
    {
        Enter();
        var condition = Coalesce();
        if (Current.Kind == TokenKind.Question)
        {
            var position = Current.Position;
            index++;
            var whenTrue = Conditional();
            Expect(TokenKind.Colon, "':' of the conditional operator");
            var whenFalse = Conditional();
            condition = new ConditionalSyntax(position, condition, whenTrue, whenFalse);
        }

        depth--;
        return condition;
    }

    private Syntax Coalesce()
    {
        var left = Or();
        if (Current.Kind == TokenKind.QuestionQuestion)
        {
            var position = Current.Position;
            index++;
            Enter();
            var right = Coalesce();
            depth--;
            return new BinarySyntax(position, TokenKind.QuestionQuestion, left, right);
        }

        return left;
    }

    private Syntax Or() => Binary(And, TokenKind.OrOr);

    private Syntax And() => Binary(Equality, TokenKind.AndAnd);

    private Syntax Equality() => Binary(Relational, TokenKind.EqualEqual, TokenKind.NotEqual);

    private Syntax Relational() => Binary(Additive, TokenKind.Less, TokenKind.Greater, TokenKind.LessEqual, TokenKind.GreaterEqual);

    private Syntax Additive() => Binary(Unary, TokenKind.Plus, TokenKind.Minus);

    private Syntax Binary(Func<Syntax> operand, params ReadOnlySpan<TokenKind> operators)
    {
        var left = operand();
        while (operators.Contains(Current.Kind))
        {
            var op = Current;
            index++;
            if (++operatorCount > MaxOperators)
            {
                throw new ExpressionException(op.Position, $"the expression has too many operators (more than {MaxOperators})");
            }

            left = new BinarySyntax(op.Position, op.Kind, left, operand());
        }

        return left;
    }

    private Syntax Unary()
    {
        var start = Current;
        if (start.Kind is TokenKind.Bang or TokenKind.Minus)
        {
            index++;
            Enter();
            var operand = Unary();
            depth--;
            return new UnarySyntax(start.Position, start.Kind, operand);
        }

        if (IsCast())
        {
            var type = tokens[index + 1].Text!;
            index += 3;
            Enter();
            var operand = Unary();
            depth--;
            return new CastSyntax(start.Position, type, operand);
        }

        return Postfix();
    }

    /// <summary><c>(Name)</c> followed by something an operand starts with; <c>(context)</c> stays a parenthesised value.</summary>
    private bool IsCast() =>
        Current.Kind == TokenKind.LParen
        && Peek(1) is { Kind: TokenKind.Identifier, Text: not ("context" or "true" or "false" or "null") }
        && Peek(2).Kind == TokenKind.RParen
        && Peek(3).Kind is TokenKind.Identifier or TokenKind.String or TokenKind.Int or TokenKind.LParen or TokenKind.Bang;

    private Syntax Postfix()
    {
        var expression = Primary();
        while (true)
        {
            if (Current.Kind is TokenKind.Dot or TokenKind.QuestionDot)
            {
                index++;
                if (Current.Kind != TokenKind.Identifier)
                {
                    throw Unexpected("expected a member name after '.'");
                }

                var name = Current;
                index++;
                var typeArgument = TypeArgument();
                var member = new MemberSyntax(name.Position, expression, name.Text!);
                if (Current.Kind == TokenKind.LParen)
                {
                    expression = new CallSyntax(name.Position, member, typeArgument, Arguments());
                }
                else
                {
                    expression = member;
                }
            }
            else if (Current.Kind == TokenKind.LBracket)
            {
                var position = Current.Position;
                index++;
                var argument = Conditional();
                Expect(TokenKind.RBracket, "']'");
                expression = new IndexSyntax(position, expression, argument);
            }
            else if (Current.Kind == TokenKind.LParen && expression is NameSyntax name)
            {
                throw new ExpressionException(name.Position, $"'{name.Name}' is not in the supported subset ({ContextMembers.Docs}): expressions read 'context' only");
            }
            else if (Current.Kind == TokenKind.LParen)
            {
                throw new ExpressionException(Current.Position, "only the methods listed in docs/policies.md#expressions can be called");
            }
            else
            {
                return expression;
            }
        }
    }

    /// <summary><c>&lt;string&gt;</c> right before a call's '(' (as in <c>GetValueOrDefault&lt;string&gt;(...)</c>).</summary>
    private string? TypeArgument()
    {
        if (Current.Kind == TokenKind.Less && Peek(1).Kind == TokenKind.Identifier && Peek(2).Kind == TokenKind.Greater && Peek(3).Kind == TokenKind.LParen)
        {
            var name = Peek(1).Text;
            index += 3;
            return name;
        }

        return null;
    }

    private List<Syntax> Arguments()
    {
        Enter();
        index++;
        var arguments = new List<Syntax>();
        if (Current.Kind == TokenKind.RParen)
        {
            index++;
            depth--;
            return arguments;
        }

        while (true)
        {
            arguments.Add(Current.Kind == TokenKind.Identifier && Peek(1).Kind == TokenKind.Colon ? NamedArgument() : Conditional());
            if (Current.Kind == TokenKind.Comma)
            {
                index++;
                continue;
            }

            Expect(TokenKind.RParen, "',' or ')' in the argument list");
            depth--;
            return arguments;
        }
    }

    private NamedArgumentSyntax NamedArgument()
    {
        var name = Current;
        index += 2;
        return new NamedArgumentSyntax(name.Position, name.Text!, Conditional());
    }

    private Syntax Primary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Int:
            case TokenKind.String:
                index++;
                return new LiteralSyntax(token.Position, token);
            case TokenKind.Identifier when token.Text is "true" or "false" or "null":
                index++;
                return new LiteralSyntax(token.Position, token);
            case TokenKind.Identifier when token.Text == "new":
                throw new ExpressionException(token.Position, "'new' is not supported: expressions cannot create objects");
            case TokenKind.Identifier when token.Text == "return":
                throw new ExpressionException(token.Position, "'return' belongs only in '@{ return <expression>; }'");
            case TokenKind.Identifier when token.Text is "var" or "string" or "int" or "bool" or "if" or "foreach" or "for" or "while":
                throw new ExpressionException(token.Position, $"'{token.Text}' here: statements and declarations are not supported, only '@{{ return <expression>; }}'");
            case TokenKind.Identifier:
                index++;
                return new NameSyntax(token.Position, token.Text!);
            case TokenKind.LParen:
                index++;
                var inner = Conditional();
                Expect(TokenKind.RParen, "')'");
                return inner;
            default:
                throw Unexpected("expected a value");
        }
    }

    private Token Peek(int offset) => tokens[Math.Min(index + offset, tokens.Count - 1)];

    private void Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Unexpected($"expected {what}");
        }

        index++;
    }

    private ExpressionException Unexpected(string expected) =>
        new(Current.Position, $"{expected}, found {Current.Describe()}");

    private void Enter()
    {
        if (++depth > MaxDepth)
        {
            throw new ExpressionException(Current.Position, $"the expression is nested too deeply (more than {MaxDepth} levels)");
        }
    }
}
