namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>
/// Type-checks a parsed expression against the subset and compiles it to delegates over <see cref="IPolicyContext"/>,
/// for one section (<c>context.Response</c> and <c>context.LastError</c> exist only in some). This file reads
/// <c>context</c>; Binder.Operators.cs types and compiles the operators.
/// </summary>
internal sealed partial class Binder(Sections section)
{
    private const string Docs = ContextMembers.Docs;

    public Bound Bind(Syntax syntax) => syntax switch
    {
        _ when Response(syntax) is { } response => response,
        LiteralSyntax literal => Literal(literal.Token),
        NameSyntax or MemberSyntax => Member(syntax),
        CallSyntax call => Call(call),
        IndexSyntax indexer => Index(indexer),
        CastSyntax cast => Cast(cast),
        UnarySyntax unary => Unary(unary),
        BinarySyntax binary => Binary(binary),
        ConditionalSyntax conditional => Conditional(conditional),
        _ => throw new ExpressionException(syntax.Position, "not in the supported subset"),
    };

    private static Bound Literal(Token token) => token.Kind switch
    {
        TokenKind.Int => Bound.Constant(token.Int),
        TokenKind.String => Bound.Constant(token.Text!),
        _ => token.Text switch
        {
            "true" => Bound.Constant(true),
            "false" => Bound.Constant(false),
            _ => Bound.Constant((string?)null),
        },
    };

    private Bound Member(Syntax syntax)
    {
        var path = Path(syntax);
        if (path is null)
        {
            BindRoot(syntax);
        }

        if (path is not null && Certificate(syntax, path) is { } certificate)
        {
            return certificate;
        }

        if (path is not null && ContextMembers.Properties.TryGetValue(path, out var property))
        {
            Allowed(syntax.Position, path, property.Sections);
            return property.Compile();
        }

        if (path is not null && ContextMembers.Objects.Contains(path))
        {
            throw new ExpressionException(syntax.Position, $"'{path}' is not a value in the supported subset ({Docs})");
        }

        throw Unsupported(syntax);
    }

    /// <summary>
    /// Before refusing a member of <paramref name="target"/>, binds what the member chain starts from (a call, an
    /// indexer, a literal), so that the first mistake from the left is the one reported.
    /// </summary>
    private void BindRoot(Syntax target)
    {
        var root = target;
        while (root is MemberSyntax member)
        {
            root = member.Target;
        }

        if (root is not NameSyntax)
        {
            Bind(root);
        }
    }

    private Bound Call(CallSyntax call)
    {
        var method = call.Method;
        if (method.Name == "ToString" && call.Arguments.Count == 0 && call.TypeArgument is null)
        {
            var value = Bind(method.Target);
            var text = value.AsText();
            return Bound.Fold(Bound.Of(c => text(c) ?? string.Empty), value);
        }

        if (method.Name == "AsJwt")
        {
            throw new ExpressionException(method.Position,
                "'AsJwt()' is not supported: validate the token with validate-jwt and read its claims through its outputTokenVariableName, "
                + "as ((Jwt)context.Variables[\"name\"]).Claims.GetValueOrDefault(\"claim\", \"\")");
        }

        if (Path(method.Target) is null && ClaimsOf(method.Target) is null)
        {
            BindRoot(method.Target);
        }

        if (Path(method.Target) is { } certificatePath && CertificateCall(method, certificatePath) is { } refused)
        {
            throw refused;
        }

        if (method.Name != "GetValueOrDefault")
        {
            if (Path(method.Target) is { } targetPath && !IsKnown(targetPath))
            {
                throw Unsupported(method.Target);
            }

            throw new ExpressionException(method.Position, $"method '{method.Name}' is not in the supported subset ({Docs})");
        }

        if (call.TypeArgument is not (null or "string"))
        {
            throw new ExpressionException(method.Position, $"GetValueOrDefault<{call.TypeArgument}> is not supported: values are strings (use GetValueOrDefault<string> or no type argument)");
        }

        if (call.Arguments.Count is < 1 or > 2)
        {
            throw new ExpressionException(method.Position, "GetValueOrDefault takes a name and an optional default");
        }

        var name = ConstantName(call.Arguments[0], "the name");
        var fallback = call.Arguments.Count == 2 ? Text(call.Arguments[1], "the default") : null;
        if (ClaimsOf(method.Target) is { } variable)
        {
            return WithDefault(c => c.Claim(variable, name), fallback);
        }

        var target = Path(method.Target);
        if (target is not null && ContextMembers.Lookups.TryGetValue(target, out var lookup))
        {
            Allowed(method.Position, target, lookup.Sections);
            if (call.TypeArgument is not null && target != "context.Variables")
            {
                throw new ExpressionException(method.Position, $"'{target}.GetValueOrDefault' takes no type argument");
            }

            var read = lookup.Read;
            return WithDefault(c => read(c, name), fallback);
        }

        throw target is not null && !IsKnown(target)
            ? Unsupported(method.Target)
            : new ExpressionException(method.Position, $"'GetValueOrDefault' on this value is not in the supported subset ({Docs})");
    }

    private static Bound WithDefault(Func<IPolicyContext, string?> read, Bound? fallback)
    {
        if (fallback is null)
        {
            return Bound.Of(read);
        }

        if (fallback.IsConstant)
        {
            var constant = fallback.String(null!);
            return Bound.Of(c => read(c) ?? constant);
        }

        var compute = fallback.String;
        return Bound.Of(c => read(c) ?? compute(c));
    }

    /// <summary>The variable of <c>((Jwt)context.Variables["name"]).Claims</c>, or null when <paramref name="syntax"/> is something else.</summary>
    private string? ClaimsOf(Syntax syntax)
    {
        if (syntax is MemberSyntax { Name: "Claims", Target: CastSyntax { TypeName: "Jwt", Operand: IndexSyntax indexer } }
            && Path(indexer.Target) == "context.Variables")
        {
            return ConstantName(indexer.Index, "the variable name");
        }

        return null;
    }

    private Bound Index(IndexSyntax indexer)
    {
        if (Path(indexer.Target) != "context.Variables")
        {
            if (Path(indexer.Target) is { } path && !IsKnown(path))
            {
                throw Unsupported(indexer.Target);
            }

            throw new ExpressionException(indexer.Position, "only context.Variables[\"name\"] can be indexed");
        }

        var name = ConstantName(indexer.Index, "the variable name");
        return Bound.Of(c => c.Variable(name));
    }

    private Bound Cast(CastSyntax cast)
    {
        if (cast.TypeName == "Jwt")
        {
            throw new ExpressionException(cast.Position,
                "a (Jwt) cast is supported only as ((Jwt)context.Variables[\"name\"]).Claims.GetValueOrDefault(\"claim\", \"default\")");
        }

        var operand = Bind(cast.Operand);
        var fits = (cast.TypeName, operand.Type) switch
        {
            ("string", ExpressionType.String or ExpressionType.Null) => true,
            ("int", ExpressionType.Int) => true,
            ("bool", ExpressionType.Bool) => true,
            _ => false,
        };
        if (!fits)
        {
            throw new ExpressionException(cast.Position, cast.TypeName is "string" or "int" or "bool"
                ? $"cannot cast {operand.TypeName} to {cast.TypeName} (casts only restate a type; use .ToString() for text)"
                : $"cast to '{cast.TypeName}' is not supported (only (string), (int), (bool) and the (Jwt) of a validated token)");
        }

        return operand;
    }

    /// <summary>A name argument: a string known when the snapshot is loaded (a literal, a named value, a constant concatenation).</summary>
    private string ConstantName(Syntax syntax, string what)
    {
        var value = Bind(syntax);
        if (value.Type != ExpressionType.String || !value.IsConstant)
        {
            throw new ExpressionException(Start(syntax), $"{what} must be a string literal");
        }

        return value.String(null!)!;
    }

    private Bound Text(Syntax syntax, string what)
    {
        var value = Bind(syntax);
        return IsText(value.Type)
            ? value
            : throw new ExpressionException(Start(syntax), $"{what} must be a string, not {value.TypeName}");
    }

    private void Allowed(int position, string path, Sections sections)
    {
        if ((sections & section) == 0)
        {
            throw new ExpressionException(position,
                $"'{path}' is available only in {ContextMembers.Where(sections)}, not in {ContextMembers.Name(section)}");
        }
    }

    /// <summary>Where <paramref name="syntax"/> starts in the text (a member's own position is its name's).</summary>
    private static int Start(Syntax syntax) => syntax switch
    {
        MemberSyntax member => Start(member.Target),
        CallSyntax call => Start(call.Method.Target),
        IndexSyntax indexer => Start(indexer.Target),
        BinarySyntax binary => Start(binary.Left),
        ConditionalSyntax conditional => Start(conditional.Condition),
        _ => syntax.Position,
    };

    private static bool IsKnown(string path) => ContextMembers.Objects.Contains(path) || ContextMembers.Properties.ContainsKey(path);

    /// <summary>A dotted path from a name through member accesses (<c>context.Request.Url</c>), or null for anything else.</summary>
    private static string? Path(Syntax syntax) => syntax switch
    {
        NameSyntax name => name.Name,
        MemberSyntax member when Path(member.Target) is { } target => $"{target}.{member.Name}",
        _ => null,
    };

    /// <summary>Names the first part of <paramref name="syntax"/> outside the subset, like 'context.Request.Body' or 'DateTime'.</summary>
    private static ExpressionException Unsupported(Syntax syntax)
    {
        var chain = new List<Syntax>();
        for (var s = syntax; s is MemberSyntax member; s = member.Target)
        {
            chain.Add(s);
        }

        var root = chain.Count > 0 ? ((MemberSyntax)chain[^1]).Target : syntax;
        if (root is NameSyntax { Name: not "context" } other)
        {
            return new ExpressionException(other.Position, $"'{other.Name}' is not in the supported subset ({Docs}): expressions read 'context' only");
        }

        if (root is not NameSyntax rootName)
        {
            var member = chain.Count > 0 ? (MemberSyntax)chain[^1] : null;
            return new ExpressionException(member?.Position ?? syntax.Position, $"'{member?.Name ?? "this"}' is not in the supported subset ({Docs})");
        }

        var path = rootName.Name;
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            var member = (MemberSyntax)chain[i];
            path = $"{path}.{member.Name}";
            if (!ContextMembers.Objects.Contains(path) && !(i > 0 && ContextMembers.Properties.ContainsKey(path)))
            {
                return new ExpressionException(member.Position, $"'{path}' is not in the supported subset ({Docs})");
            }
        }

        return new ExpressionException(syntax.Position, $"'{path}' is not in the supported subset ({Docs})");
    }
}
