using System.Collections.Concurrent;

namespace EdgeGateway.EndToEnd.Tests.Infra;

/// <summary>
/// The settings a binary reads, as its own <c>settings --names</c> prints them (configuration form with <c>:</c>, <c>*</c> for a
/// list index or dictionary key, plain environment variables as they are), and the rule that maps an environment variable
/// of a container to one of them.
/// </summary>
public sealed class BinarySettings
{
    private static readonly ConcurrentDictionary<string, Task<BinarySettings>> Cache = new();
    private readonly IReadOnlyList<string> names;

    private BinarySettings(IReadOnlyList<string> names) => this.names = names;

    public IReadOnlyList<string> Names => names;

    public static Task<BinarySettings> OfAsync(string binary) => Cache.GetOrAdd(binary, async path =>
    {
        var run = await ToolRun.RunAsync(path, ["settings", "--names"]);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{path} settings --names failed:\n{run.Output}");
        }

        var list = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return list.Length == 0 ? throw new InvalidOperationException($"{path} settings --names printed nothing") : new BinarySettings(list);
    });

    /// <summary>
    /// True when the binary reads the environment variable NAME: NAME itself is listed, or NAME with <c>__</c> as <c>:</c>
    /// (and an <c>ASPNETCORE_</c> prefix dropped) equals a listed key case-insensitively, <c>*</c> matching one segment.
    /// </summary>
    public bool Reads(string name)
    {
        if (names.Contains(name, StringComparer.Ordinal))
        {
            return true;
        }

        var key = name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) ? name["ASPNETCORE_".Length..] : name;
        var segments = key.Split("__");
        return names.Any(listed => Matches(listed.Split(':'), segments));
    }

    private static bool Matches(string[] pattern, string[] segments) =>
        pattern.Length == segments.Length
        && pattern.Zip(segments).All(p => p.First == "*" || string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase));
}
