using System.Text;

namespace EdgeGateway.Contracts.Policies.Expressions;

/// <summary>Splits an expression into tokens; refuses, with a reason, every character the subset has no use for.</summary>
internal static class Tokenizer
{
    public static List<Token> Tokenize(string text, int start)
    {
        var tokens = new List<Token>();
        var i = start;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, text.Length));
                return tokens;
            }

            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (char.IsLetter(c) || c == '_')
            {
                var end = i + 1;
                while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
                {
                    end++;
                }

                tokens.Add(new Token(TokenKind.Identifier, i, text[i..end]));
                i = end;
            }
            else if (char.IsAsciiDigit(c))
            {
                i = Number(text, i, tokens);
            }
            else if (c == '"')
            {
                i = String(text, i, tokens);
            }
            else
            {
                var (kind, length) = Symbol(c, next, i);
                tokens.Add(new Token(kind, i));
                i += length;
            }
        }
    }

    private static int Number(string text, int i, List<Token> tokens)
    {
        var end = i;
        long value = 0;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            value = (value * 10) + (text[end] - '0');
            if (value > int.MaxValue)
            {
                throw new ExpressionException(i, $"the number is larger than {int.MaxValue} (only int is supported)");
            }

            end++;
        }

        if (end < text.Length && (char.IsLetter(text[end]) || text[end] == '.'))
        {
            throw new ExpressionException(end, "only whole numbers (int) are supported, without suffixes or decimals");
        }

        tokens.Add(new Token(TokenKind.Int, i, Int: (int)value));
        return end;
    }

    private static int String(string text, int i, List<Token> tokens)
    {
        var value = new StringBuilder();
        var j = i + 1;
        while (true)
        {
            if (j >= text.Length || text[j] is '\n' or '\r')
            {
                throw new ExpressionException(i, "unterminated string literal (a '\"' is missing)");
            }

            var c = text[j];
            if (c == '"')
            {
                tokens.Add(new Token(TokenKind.String, i, value.ToString()));
                return j + 1;
            }

            if (c == '\\')
            {
                if (j + 1 >= text.Length)
                {
                    throw new ExpressionException(i, "unterminated string literal (a '\"' is missing)");
                }

                value.Append(text[j + 1] switch
                {
                    '"' => '"',
                    '\\' => '\\',
                    '\'' => '\'',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    '0' => '\0',
                    var e => throw new ExpressionException(j, $"escape sequence '\\{e}' is not supported (use \\\", \\\\, \\', \\n, \\r, \\t or \\0)"),
                });
                j += 2;
            }
            else
            {
                value.Append(c);
                j++;
            }
        }
    }

    private static (TokenKind Kind, int Length) Symbol(char c, char next, int i) => (c, next) switch
    {
        ('(', _) => (TokenKind.LParen, 1),
        (')', _) => (TokenKind.RParen, 1),
        ('[', _) => (TokenKind.LBracket, 1),
        (']', _) => (TokenKind.RBracket, 1),
        ('{', _) => (TokenKind.LBrace, 1),
        ('}', _) => (TokenKind.RBrace, 1),
        ('.', _) => (TokenKind.Dot, 1),
        (',', _) => (TokenKind.Comma, 1),
        (';', _) => (TokenKind.Semicolon, 1),
        (':', _) => (TokenKind.Colon, 1),
        ('+', '+') or ('-', '-') => throw new ExpressionException(i, $"'{c}{next}' is not supported (expressions cannot change anything)"),
        ('+', '=') or ('-', '=') => throw new ExpressionException(i, "assignment is not supported (expressions cannot change anything)"),
        ('+', _) => (TokenKind.Plus, 1),
        ('-', _) => (TokenKind.Minus, 1),
        ('=', '=') => (TokenKind.EqualEqual, 2),
        ('=', '>') => throw new ExpressionException(i, "lambdas ('=>') are not supported"),
        ('=', _) => throw new ExpressionException(i, "assignment ('=') is not supported (compare with '==')"),
        ('!', '=') => (TokenKind.NotEqual, 2),
        ('!', _) => (TokenKind.Bang, 1),
        ('<', '=') => (TokenKind.LessEqual, 2),
        ('<', _) => (TokenKind.Less, 1),
        ('>', '=') => (TokenKind.GreaterEqual, 2),
        ('>', _) => (TokenKind.Greater, 1),
        ('&', '&') => (TokenKind.AndAnd, 2),
        ('|', '|') => (TokenKind.OrOr, 2),
        ('?', '?') => (TokenKind.QuestionQuestion, 2),
        ('?', '.') => (TokenKind.QuestionDot, 2),
        ('?', _) => (TokenKind.Question, 1),
        ('$', '"') => throw new ExpressionException(i, "string interpolation ($\"...\") is not supported: join strings with '+'"),
        ('@', '"') => throw new ExpressionException(i, "verbatim strings (@\"...\") are not supported: use \"...\" with \\\" and \\\\"),
        ('\'', _) => throw new ExpressionException(i, "character literals are not supported: use a string"),
        ('*' or '/' or '%' or '&' or '|' or '^' or '~', _) => throw new ExpressionException(i, $"operator '{c}' is not in the supported subset (see docs/policies.md#expressions)"),
        _ => throw new ExpressionException(i, $"unexpected character '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}'"),
    };
}
