using System.Text;

namespace ManagementPlane.PolicyXml;

/// <summary>
/// APIM's <c>rawxml</c>: policy expressions (<c>@(…)</c>, <c>@{…}</c>) stand in the XML unescaped, so an expression may hold
/// <c>"</c>, <c>&lt;</c> or <c>&amp;&amp;</c>. Before parsing, the characters XML would misread are escaped inside each
/// expression, and every insertion is remembered so a position the parser reports maps back to the text as sent.
/// </summary>
internal sealed class RawXml
{
    private readonly Dictionary<int, List<(int Column, int Added)>> insertions = [];

    private RawXml(string escaped) => Escaped = escaped;

    public string Escaped { get; private set; }

    public static RawXml Escape(string text)
    {
        var result = new RawXml(text);
        var builder = new StringBuilder(text.Length + 64);
        var line = 1;
        var column = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '@' && i + 1 < text.Length && (text[i + 1] == '(' || text[i + 1] == '{'))
            {
                var end = ExpressionEnd(text, i + 1);
                for (var j = i; j < end; j++)
                {
                    var e = text[j];
                    var replacement = e switch
                    {
                        '<' => "&lt;",
                        '>' => "&gt;",
                        '&' => "&amp;",
                        '"' => "&quot;",
                        '\'' => "&apos;",
                        _ => null,
                    };
                    if (replacement is null)
                    {
                        builder.Append(e);
                        (line, column) = e == '\n' ? (line + 1, 1) : (line, column + 1);
                        continue;
                    }

                    builder.Append(replacement);
                    result.Insert(line, column, replacement.Length - 1);
                    column += replacement.Length;
                }

                i = end;
                continue;
            }

            builder.Append(c);
            (line, column) = c == '\n' ? (line + 1, 1) : (line, column + 1);
            i++;
        }

        result.Escaped = builder.ToString();
        return result;
    }

    /// <summary>A column in <see cref="Escaped"/> as a column of the text that was sent.</summary>
    public int Original(int line, int column)
    {
        if (!insertions.TryGetValue(line, out var list))
        {
            return column;
        }

        var shift = 0;
        foreach (var (at, added) in list)
        {
            if (at < column)
            {
                shift += added;
            }
        }

        return column - shift;
    }

    private void Insert(int line, int escapedColumn, int added)
    {
        if (!insertions.TryGetValue(line, out var list))
        {
            insertions[line] = list = [];
        }

        list.Add((escapedColumn, added));
    }

    /// <summary>The index after the bracket that closes the one at <paramref name="open"/>, skipping string and char literals.</summary>
    private static int ExpressionEnd(string text, int open)
    {
        var close = text[open] == '(' ? ')' : '}';
        var opening = text[open];
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"' || c == '\'')
            {
                i++;
                while (i < text.Length && text[i] != c)
                {
                    if (text[i] == '\\')
                    {
                        i++;
                    }

                    i++;
                }

                continue;
            }

            if (c == opening)
            {
                depth++;
            }
            else if (c == close && --depth == 0)
            {
                return i + 1;
            }
        }

        return text.Length;
    }
}
