using Backup.Providers;
using Backup.Providers.Configuration;
using Backup.Providers.Probe;

namespace EdgeGateway.Cli;

/// <summary>
/// <c>EdgeGateway check-backup</c>: with the same settings the gateway would use (environment variables and
/// <c>--Backup:...</c> arguments), write, read, list and delete a probe object in the backup store. For deploy
/// pipelines: exit 0 when the store works, 1 with the failing step and the setting to check otherwise.
/// </summary>
internal static class CheckBackupCommand
{
    public static async Task<int> RunAsync(string[] settingsArgs, TextWriter stdout, TextWriter stderr)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(settingsArgs).Build();
        IObjectStore? store;
        try
        {
            store = ObjectStoreFactory.Create(configuration.GetSection("Backup"), "Backup", ObjectStoreProviders.None, TimeProvider.System);
        }
        catch (ObjectStoreException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return GatewayCli.Invalid;
        }

        if (store is null)
        {
            await stderr.WriteLineAsync("error: no backup store configured: set Backup:Provider to disk, blob or s3 (Backup__Provider=... or --Backup:Provider=...)");
            return GatewayCli.Invalid;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await StoreProbe.RunAsync(store, timeout.Token);
        await stdout.WriteLineAsync($"backup store: {result.Store}");
        foreach (var step in result.Steps)
        {
            var line = $"  {(step.Succeeded ? "ok  " : "FAIL")} {step.Name,-10} {step.Duration.TotalMilliseconds,7:0.0} ms  {step.Message}";
            await (step.Succeeded ? stdout : stderr).WriteLineAsync(line);
        }

        await stdout.WriteLineAsync(result.Succeeded ? "backup store works" : "backup store check FAILED");
        (store as IDisposable)?.Dispose();
        return result.Succeeded ? GatewayCli.Ok : GatewayCli.Invalid;
    }
}
