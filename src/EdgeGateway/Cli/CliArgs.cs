namespace EdgeGateway.Cli;

/// <summary>"--name value", "--name=value", "--flag" and positionals, without a parsing library.</summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, string?> options = new(StringComparer.Ordinal);
    private readonly List<string> positionals = [];

    public static CliArgs Parse(ReadOnlySpan<string> args)
    {
        var result = new CliArgs();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                result.positionals.Add(arg);
                continue;
            }

            var name = arg[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                result.options[name[..eq]] = name[(eq + 1)..];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) && !IsFlag(name))
            {
                result.options[name] = args[++i];
            }
            else
            {
                result.options[name] = null;
            }
        }

        return result;
    }

    public string? Option(string name) => options.TryGetValue(name, out var value) ? value ?? throw new CliUsageException($"--{name} needs a value") : null;

    public bool Flag(string name) => options.ContainsKey(name);

    public string? Positional(int index) => index < positionals.Count ? positionals[index] : null;

    private static bool IsFlag(string name) => name is "force";
}

internal sealed class CliUsageException(string message) : Exception(message);
