using System.Text;
using System.Text.RegularExpressions;

namespace EdgeGateway.Contracts.Tests;

/// <summary>
/// Keeps the log lines quoted in docs/*.md in step with the code: every quote written as the console shows a line,
/// <c>LEVEL Category[EventId] text</c> (in a code block or an inline code span), must match a <c>[LoggerMessage]</c>
/// template of that level and event id somewhere under src/ (found by content, whatever file it is in). In a quote,
/// <c>...</c> stands for text left out; in a template, every <c>{Placeholder}</c> for a value.
/// </summary>
public sealed partial class DocsLogLinesTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    private static readonly Lazy<IReadOnlyList<Template>> Templates = new(ReadTemplates);

    public static TheoryData<string> Quotes
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var quote in ReadQuotes())
            {
                data.Add(quote.ToString());
            }

            return data;
        }
    }

    [Fact]
    public void Docs_QuoteLogLines_AndSourcesHaveTemplates()
    {
        Assert.True(ReadQuotes().Count >= 10, "the docs quote fewer log lines than they did: is the quote pattern still right?");
        Assert.True(Templates.Value.Count >= 20, $"only {Templates.Value.Count} [LoggerMessage] templates found under src/");
        Assert.Contains(Templates.Value, t => t.EventId == 67 && t.Level == "crit");
    }

    /// <summary>
    /// An event id names one message: a filter or an alert on it (docs/operations.md lists some) must not catch another
    /// message that happens to share it. Helpers working in parallel once both picked 1210.
    /// </summary>
    [Fact]
    public void EventIds_AreUniqueUnderSrc()
    {
        var shared = Templates.Value.GroupBy(t => t.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(t => $"{t.File} \"{t.Message}\""))}").ToList();
        Assert.True(shared.Count == 0, "event ids used by more than one [LoggerMessage]:\n  " + string.Join("\n  ", shared));
    }

    [Theory]
    [MemberData(nameof(Quotes))]
    public void DocsLogLine_MatchesALoggerMessageTemplate(string quoted)
    {
        var quote = ReadQuotes().Single(q => q.ToString() == quoted);
        var candidates = Templates.Value.Where(t => t.Level == quote.Level && t.EventId == quote.EventId).ToList();

        Assert.True(candidates.Count > 0, $"{quote}: no [LoggerMessage] with level {quote.Level} and event id {quote.EventId} under src/");
        Assert.True(candidates.Any(t => GlobsIntersect(Glob(quote.Text, fromTemplate: false), Glob(t.Message, fromTemplate: true))),
            $"{quote}\ndoes not match the code's template(s):\n  {string.Join("\n  ", candidates.Select(c => $"{c.Message}   ({c.File})"))}");
    }

    [Theory]
    [InlineData("Applied revision 5 from the management plane (1 APIs)", "Applied revision {Revision} from the management plane ({ApiCount} APIs)", true)]
    [InlineData("Backed up revision 9 as gateways/gw1/snapshots/... in blob (container '...')", "Backed up revision {Revision} as {Key} in {Store}", true)]
    [InlineData("... NOT READY: waiting for a first snapshot from ...", "EdgeGateway listening on {Addresses}, NOT READY: waiting for a first snapshot from {Url} (at most {Timeout})", true)]
    [InlineData("Applied revision 5 from the plane", "Applied revision {Revision} from the management plane ({ApiCount} APIs)", false)]
    [InlineData("Backed up revision 9 in blob", "Backed up revision {Revision} as {Key} in {Store}", false)]
    public void GlobsIntersect_QuoteAgainstTemplate(string quote, string template, bool matches)
    {
        Assert.Equal(matches, GlobsIntersect(Glob(quote, fromTemplate: false), Glob(template, fromTemplate: true)));
    }

    /// <summary>A glob: text with '\0' for "any text" (a placeholder, or '...' in a quote).</summary>
    private static string Glob(string text, bool fromTemplate)
    {
        if (!fromTemplate)
        {
            return text.Replace("...", "\0", StringComparison.Ordinal).Replace("…", "\0", StringComparison.Ordinal);
        }

        var glob = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                glob.Append('{');
                i++;
            }
            else if (text[i] == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                glob.Append('}');
                i++;
            }
            else if (text[i] == '{')
            {
                i = text.IndexOf('}', i);
                glob.Append('\0');
            }
            else
            {
                glob.Append(text[i]);
            }
        }

        return glob.ToString();
    }

    /// <summary>True when some text matches both globs ('\0' = any text, possibly empty).</summary>
    private static bool GlobsIntersect(string a, string b)
    {
        // reachable[i, j]: the first i characters of a and the first j of b can describe the same text.
        var reachable = new bool[a.Length + 1, b.Length + 1];
        reachable[0, 0] = true;
        for (var i = 0; i <= a.Length; i++)
        {
            for (var j = 0; j <= b.Length; j++)
            {
                if (!reachable[i, j])
                {
                    continue;
                }

                var wildA = i < a.Length && a[i] == '\0';
                var wildB = j < b.Length && b[j] == '\0';
                if (wildA)
                {
                    reachable[i + 1, j] = true;                       // a's wildcard ends here
                    if (j < b.Length)
                    {
                        reachable[i, j + 1] = true;                   // it takes b's next character (or b's wildcard's text)
                    }
                }

                if (wildB)
                {
                    reachable[i, j + 1] = true;
                    if (i < a.Length)
                    {
                        reachable[i + 1, j] = true;
                    }
                }

                if (!wildA && !wildB && i < a.Length && j < b.Length && a[i] == b[j])
                {
                    reachable[i + 1, j + 1] = true;
                }
            }
        }

        return reachable[a.Length, b.Length];
    }

    private static List<Quote> ReadQuotes()
    {
        var quotes = new List<Quote>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            var inBlock = false;
            var lineNumber = 0;
            foreach (var line in File.ReadLines(file))
            {
                lineNumber++;
                if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    inBlock = !inBlock;
                    continue;
                }

                // In a code block the quote runs to the end of the line; elsewhere it is an inline code span.
                var matches = inBlock ? BlockQuote().Matches(line) : InlineQuote().Matches(line);
                foreach (Match m in matches)
                {
                    quotes.Add(new Quote($"{Path.GetFileName(file)}:{lineNumber}", m.Groups["level"].Value, m.Groups["category"].Value,
                        int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["text"].Value.TrimEnd()));
                }
            }
        }

        return quotes;
    }

    private static List<Template> ReadTemplates()
    {
        var templates = new List<Template>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match m in LoggerMessageAttribute().Matches(File.ReadAllText(file)))
            {
                var args = m.Groups["args"].Value;
                var id = EventIdNamed().Match(args) is { Success: true } named ? named.Groups[1].Value
                    : EventIdPositional().Match(args) is { Success: true } positional ? positional.Groups[1].Value : null;
                var level = LevelArgument().Match(args).Groups[1].Value;
                var message = string.Concat(StringLiteral().Matches(args).Select(s => Regex.Unescape(s.Groups[1].Value)));
                if (id is not null && message.Length > 0)
                {
                    templates.Add(new Template(Path.GetRelativePath(RepoRoot, file), ShortLevel(level),
                        int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), message));
                }
            }
        }

        return templates;
    }

    private static string ShortLevel(string level) => level switch
    {
        "Trace" => "trce",
        "Debug" => "dbug",
        "Information" => "info",
        "Warning" => "warn",
        "Error" => "fail",
        "Critical" => "crit",
        _ => level,
    };

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeGateway.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (EdgeGateway.slnx) not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"(?:^|\s)(?<level>trce|dbug|info|warn|fail|crit) (?<category>(?:EdgeGateway|ManagementPlane)[\w.]*)\[(?<id>\d+)\] (?<text>.+)$")]
    private static partial Regex BlockQuote();

    [GeneratedRegex(@"`(?:[^`]*\s)?(?<level>trce|dbug|info|warn|fail|crit) (?<category>(?:EdgeGateway|ManagementPlane)[\w.]*)\[(?<id>\d+)\] (?<text>[^`]+)`")]
    private static partial Regex InlineQuote();

    [GeneratedRegex(@"\[LoggerMessage\((?<args>(?:[^""()]|""(?:[^""\\]|\\.)*""|\([^()]*\))*)\)\]")]
    private static partial Regex LoggerMessageAttribute();

    [GeneratedRegex(@"EventId\s*=\s*(\d+)")]
    private static partial Regex EventIdNamed();

    [GeneratedRegex(@"^\s*(\d+)\s*,")]
    private static partial Regex EventIdPositional();

    [GeneratedRegex(@"LogLevel\.(\w+)")]
    private static partial Regex LevelArgument();

    [GeneratedRegex(@"""((?:[^""\\]|\\.)*)""")]
    private static partial Regex StringLiteral();

    private sealed record Quote(string Where, string Level, string Category, int EventId, string Text)
    {
        public override string ToString() => $"{Where}: {Level} {Category}[{EventId}] {Text}";
    }

    private sealed record Template(string File, string Level, int EventId, string Message);
}
