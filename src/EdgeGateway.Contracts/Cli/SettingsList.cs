using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;

namespace EdgeGateway.Contracts.Cli;

/// <summary>One setting a binary reads: its configuration key (or plain environment variable), default and meaning.</summary>
public sealed record Setting(string Key, string Default, string Meaning);

/// <summary>
/// The list <c>settings</c> prints, built from the same options types the binary binds, so a property added to an
/// options type shows up without anyone remembering to list it. The walk is AOT-safe: each options type is a generic
/// argument annotated for its public properties, and nested option objects are listed explicitly with their own prefix
/// (a test cross-checks by reflection that every nested object is listed).
/// </summary>
public sealed class SettingsList
{
    private const DynamicallyAccessedMemberTypes Properties = DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor;

    private readonly Dictionary<string, Setting> settings = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The settings, sorted by key (ordinal, ignoring case).</summary>
    public IReadOnlyList<Setting> All => [.. settings.Values.OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// Lists every public settable property of <typeparamref name="T"/> under <paramref name="prefix"/>, with the default
    /// its initializer gives. Lists and dictionaries become <c>prefix:Name:*</c>; nested option objects are skipped here
    /// (list them with their own call). <paramref name="meanings"/> is keyed by property name; a missing one is an error.
    /// </summary>
    public SettingsList Options<[DynamicallyAccessedMembers(Properties)] T>(string prefix, IReadOnlyDictionary<string, string> meanings, IReadOnlyDictionary<string, string>? defaults = null)
        where T : class, new()
    {
        var instance = new T();
        foreach (var property in BoundProperties(typeof(T)))
        {
            var type = property.PropertyType;
            if (IsNested(type))
            {
                continue;
            }

            var name = property.Name;
            var key = IsCollection(type) ? $"{prefix}:{name}:*" : $"{prefix}:{name}";
            var meaning = meanings.TryGetValue(name, out var m) ? m : throw new InvalidOperationException($"no meaning for setting {key}");
            var value = defaults is not null && defaults.TryGetValue(name, out var d) ? d : Format(IsCollection(type) ? null : property.GetValue(instance));
            Add(key, value, meaning);
        }

        return this;
    }

    /// <summary>Adds a key read directly (<c>configuration["..."]</c>) or a plain environment variable.</summary>
    public SettingsList Add(string key, string defaultValue, string meaning)
    {
        settings[key] = new Setting(key, defaultValue, meaning);
        return this;
    }

    /// <summary>The public properties with a public getter and setter: what the configuration binder fills.</summary>
    public static IEnumerable<PropertyInfo> BoundProperties([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod?.IsPublic == true && p.SetMethod?.IsPublic == true);

    /// <summary>A property holding an options object of its own (bound as a sub-section), not a value or a list.</summary>
    public static bool IsNested(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return !IsValue(type) && !IsCollection(type);
    }

    /// <summary>Arrays, lists and dictionaries: bound from <c>Key:0</c>, <c>Key:1</c> or <c>Key:name</c>.</summary>
    public static bool IsCollection(Type type) =>
        type.IsArray || (type.IsGenericType && type != typeof(string) && type.GetGenericTypeDefinition() is var g
            && (g == typeof(List<>) || g == typeof(IList<>) || g == typeof(IEnumerable<>) || g == typeof(IReadOnlyList<>)
                || g == typeof(Dictionary<,>) || g == typeof(IDictionary<,>) || g == typeof(IReadOnlyDictionary<,>)));

    private static bool IsValue(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(Uri) || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Guid);

    private static string Format(object? value) => value switch
    {
        null => "-",
        string { Length: 0 } => "-",
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };

    /// <summary>
    /// <c>settings</c>: the table (<c>KEY  DEFAULT  MEANING</c>), or with <c>--names</c> only the keys, one a line.
    /// Exit 0, or 2 (usage) for anything else on the command line.
    /// </summary>
    public int Print(string binary, ReadOnlySpan<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var namesOnly = false;
        foreach (var arg in args)
        {
            if (arg == "--names")
            {
                namesOnly = true;
            }
            else
            {
                stderr.WriteLine($"error: settings takes only --names, not '{arg}'\nusage: {binary} settings [--names]");
                return 2;
            }
        }

        var all = All;
        if (namesOnly)
        {
            foreach (var setting in all)
            {
                stdout.WriteLine(setting.Key);
            }

            return 0;
        }

        var keyWidth = Math.Max(3, all.Max(s => s.Key.Length));
        var defaultWidth = Math.Min(24, Math.Max(7, all.Max(s => s.Default.Length)));
        stdout.WriteLine($"{"KEY".PadRight(keyWidth)}  {"DEFAULT".PadRight(defaultWidth)}  MEANING");
        foreach (var setting in all)
        {
            stdout.WriteLine($"{setting.Key.PadRight(keyWidth)}  {setting.Default.PadRight(defaultWidth)}  {setting.Meaning}");
        }

        stdout.WriteLine();
        stdout.WriteLine("As environment variables ':' becomes '__'; '*' stands for a list index (0, 1, ...) or a name.");
        return 0;
    }
}
