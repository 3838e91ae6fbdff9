using System.Diagnostics;

namespace EdgeGateway.EndToEnd.Tests.Infra.Terraform;

/// <summary>
/// The settings a binary reads, as its <c>settings --names</c> prints them (<c>Backup:S3:Bucket</c>,
/// <c>Management:AdminKeys:*</c>, plain variables such as <c>AWS_REGION</c>), and the rule that maps a container's
/// environment variable to one: the name as it is, or with <c>__</c> as <c>:</c> (and without an <c>ASPNETCORE_</c>
/// prefix) equal to a listed key ignoring case, a <c>*</c> segment matching any one segment.
/// </summary>
internal sealed class SettingNames(IReadOnlyCollection<string> names)
{
    public IReadOnlyCollection<string> Names { get; } = names;

    public bool Reads(string environmentVariable)
    {
        if (Names.Contains(environmentVariable, StringComparer.Ordinal))
        {
            return true;
        }

        var key = environmentVariable.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
            ? environmentVariable["ASPNETCORE_".Length..]
            : environmentVariable;
        var segments = key.Split("__");
        return Names.Select(n => n.Split(':')).Any(listed => listed.Length == segments.Length
            && listed.Zip(segments).All(p => p.First == "*" || p.First.Equals(p.Second, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Runs <c>BINARY settings --names</c>; it must exit 0 and list something.</summary>
    public static async Task<SettingNames> OfAsync(string executable)
    {
        var psi = new ProcessStartInfo(executable, "settings --names") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        var names = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (process.ExitCode != 0 || names.Length == 0)
        {
            throw new InvalidOperationException($"{executable} settings --names exited {process.ExitCode} with {names.Length} names: {await stderr}");
        }

        return new SettingNames(names);
    }
}
