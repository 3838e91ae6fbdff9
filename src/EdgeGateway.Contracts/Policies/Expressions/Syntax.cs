namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>The parsed, not yet type-checked form of an expression; <c>Position</c> is 0-based in the attribute text.</summary>
internal abstract record Syntax(int Position);

internal sealed record LiteralSyntax(int Position, Token Token) : Syntax(Position);

internal sealed record NameSyntax(int Position, string Name) : Syntax(Position);

internal sealed record MemberSyntax(int Position, Syntax Target, string Name) : Syntax(Position);

internal sealed record CallSyntax(int Position, MemberSyntax Method, string? TypeArgument, IReadOnlyList<Syntax> Arguments) : Syntax(Position);

internal sealed record IndexSyntax(int Position, Syntax Target, Syntax Index) : Syntax(Position);

internal sealed record CastSyntax(int Position, string TypeName, Syntax Operand) : Syntax(Position);

internal sealed record UnarySyntax(int Position, TokenKind Operator, Syntax Operand) : Syntax(Position);

internal sealed record BinarySyntax(int Position, TokenKind Operator, Syntax Left, Syntax Right) : Syntax(Position);

internal sealed record ConditionalSyntax(int Position, Syntax Condition, Syntax WhenTrue, Syntax WhenFalse) : Syntax(Position);

/// <summary><c>name: value</c> in an argument list (APIM's <c>Body.As&lt;string&gt;(preserveContent: true)</c>).</summary>
internal sealed record NamedArgumentSyntax(int Position, string Name, Syntax Value) : Syntax(Position);
