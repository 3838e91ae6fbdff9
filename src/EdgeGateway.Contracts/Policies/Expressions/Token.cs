namespace EdgeGateway.Contracts.Policies.Expressions;

internal enum TokenKind
{
    End,
    Identifier,
    Int,
    String,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Dot,
    QuestionDot,
    Comma,
    Semicolon,
    Plus,
    Minus,
    Bang,
    EqualEqual,
    NotEqual,
    Less,
    Greater,
    LessEqual,
    GreaterEqual,
    AndAnd,
    OrOr,
    Question,
    QuestionQuestion,
    Colon,
}

/// <summary>One token at <c>Position</c> (0-based, in the whole attribute text); <c>Text</c> is an identifier or a decoded string.</summary>
internal readonly record struct Token(TokenKind Kind, int Position, string? Text = null, int Int = 0)
{
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the expression",
        TokenKind.Identifier => $"'{Text}'",
        TokenKind.Int => $"'{Int}'",
        TokenKind.String => "a string",
        _ => $"'{Symbol(Kind)}'",
    };

    public static string Symbol(TokenKind kind) => kind switch
    {
        TokenKind.LParen => "(",
        TokenKind.RParen => ")",
        TokenKind.LBracket => "[",
        TokenKind.RBracket => "]",
        TokenKind.LBrace => "{",
        TokenKind.RBrace => "}",
        TokenKind.Dot => ".",
        TokenKind.QuestionDot => "?.",
        TokenKind.Comma => ",",
        TokenKind.Semicolon => ";",
        TokenKind.Plus => "+",
        TokenKind.Minus => "-",
        TokenKind.Bang => "!",
        TokenKind.EqualEqual => "==",
        TokenKind.NotEqual => "!=",
        TokenKind.Less => "<",
        TokenKind.Greater => ">",
        TokenKind.LessEqual => "<=",
        TokenKind.GreaterEqual => ">=",
        TokenKind.AndAnd => "&&",
        TokenKind.OrOr => "||",
        TokenKind.Question => "?",
        TokenKind.QuestionQuestion => "??",
        TokenKind.Colon => ":",
        _ => kind.ToString(),
    };
}
