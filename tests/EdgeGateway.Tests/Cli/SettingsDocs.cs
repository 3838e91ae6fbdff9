using System.Reflection;
using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Cli;

namespace EdgeGateway.Tests.Cli;

/// <summary>
/// What the docs say about settings, for the <c>settings</c> subcommand's contract tests (linked into the management
/// plane's tests too): the keys of the settings tables, every setting-like name mentioned anywhere in docs/*.md, and a
/// reflection walk of options types (the JIT cross-check of the AOT-safe walk).
/// </summary>
internal static partial class SettingsDocs
{
    /// <summary>The tables whose first column names settings: file and the heading they sit under.</summary>
    public static readonly (string File, string Heading)[] Tables =
    [
        ("configuration.md", "## Settings"),
        ("management-api.md", "## Start it"),
        ("operations.md", "## Settings for operations"),
        ("storage.md", "## Settings"),
    ];

    public static string DocsDirectory { get; } = Path.Combine(FindRepoRoot(), "docs");

    /// <summary>Whether a documented key is the management plane's: its own table's, or a <c>Management:</c> key anywhere.</summary>
    public static bool IsPlaneKey((string File, string Key) documented) =>
        documented.File == "management-api.md" || documented.Key.StartsWith("Management:", StringComparison.Ordinal);

    /// <summary>Every key in the first column of the settings tables (a cell may name several, as <c>`A`, `B`</c> or <c>`A` or `B`</c>).</summary>
    public static IReadOnlyList<(string File, string Key)> TableKeys()
    {
        var keys = new List<(string, string)>();
        foreach (var (file, heading) in Tables)
        {
            var lines = File.ReadAllLines(Path.Combine(DocsDirectory, file));
            var start = Array.FindIndex(lines, l => l.Trim() == heading);
            Assert.True(start >= 0, $"{file} has no '{heading}'");
            var rows = 0;
            for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
            {
                if (!lines[i].StartsWith("| `", StringComparison.Ordinal))
                {
                    if (rows > 0 && !lines[i].StartsWith('|'))
                    {
                        break;
                    }

                    continue;
                }

                rows++;
                var cell = lines[i].Split('|')[1];
                foreach (Match code in Code().Matches(cell))
                {
                    var key = code.Groups[1].Value;
                    if (!key.StartsWith('-') && !key.Contains('_', StringComparison.Ordinal) || key == "http_ports")
                    {
                        keys.Add((file, key));
                    }
                }
            }

            Assert.True(rows >= 3, $"{file} '{heading}': only {rows} settings rows found");
        }

        return keys;
    }

    /// <summary>Every setting-like name in docs/*.md, in configuration form (<c>__</c> as <c>:</c>, an index as <c>*</c>), lower case.</summary>
    public static IReadOnlySet<string> Mentioned()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.GetFiles(DocsDirectory, "*.md"))
        {
            foreach (Match match in Name().Matches(File.ReadAllText(file)))
            {
                var name = match.Value.Replace("__", ":", StringComparison.Ordinal).TrimEnd('.', ':', '-');
                if (name.Contains(':', StringComparison.Ordinal) || name is "urls" or "http_ports")
                {
                    names.Add(string.Join(':', name.Split(':').Select(s => s.All(char.IsAsciiDigit) ? "*" : s)));
                }
            }
        }

        return names;
    }

    /// <summary>
    /// A listed key is documented when the docs mention it, or (for a <c>*</c> key) any key it stands for, or the doc
    /// names a wildcard over it (<c>Management:Store:Blob:*</c>); a <c>Management:Store:</c> key also when the same key
    /// under <c>Backup:</c> is (storage.md documents the shared sub-keys once).
    /// </summary>
    public static bool IsDocumented(string key, IReadOnlySet<string> mentioned)
    {
        if (mentioned.Any(m => Matches(key, m) || (m.EndsWith(":*", StringComparison.Ordinal) && key.StartsWith(m[..^1], StringComparison.OrdinalIgnoreCase))))
        {
            return true;
        }

        const string store = "Management:Store:";
        return key.StartsWith(store, StringComparison.OrdinalIgnoreCase) && IsDocumented("Backup:" + key[store.Length..], mentioned);
    }

    /// <summary>A name matches a listed key case-insensitively, <c>*</c> in the key matching one segment.</summary>
    public static bool Matches(string listed, string name)
    {
        var a = listed.Split(':');
        var b = name.Split(':');
        return a.Length == b.Length && a.Zip(b).All(p => p.First == "*" || p.First.Equals(p.Second, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether a documented key is listed: as is, or as its list (<c>Management:AdminKeys</c> is <c>Management:AdminKeys:*</c>).</summary>
    public static bool IsListed(string documented, IReadOnlyList<Setting> listed) =>
        listed.Any(s => Matches(s.Key, documented) || s.Key.Equals(documented + ":*", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The keys a full reflection walk finds under <paramref name="prefix"/>: every public settable property, nested
    /// option objects recursively, collections as <c>:*</c>. The AOT-safe walk must list at least these.
    /// </summary>
    public static IEnumerable<string> ReflectedKeys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod?.IsPublic == true && p.SetMethod?.IsPublic == true))
        {
            var key = $"{prefix}:{property.Name}";
            if (SettingsList.IsCollection(property.PropertyType))
            {
                yield return key + ":*";
            }
            else if (SettingsList.IsNested(property.PropertyType))
            {
                foreach (var nested in ReflectedKeys(property.PropertyType, key))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return key;
            }
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeGateway.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root (EdgeGateway.slnx) not found");
    }

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9_.*:-]*")]
    private static partial Regex Name();
}
