using EdgeGateway.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EdgeGateway.Hosting;

/// <summary>Once the server listens: one log line saying what is served, then start watching the config file.</summary>
internal sealed partial class StartupReporter(
    IHostApplicationLifetime lifetime, IServer server, ConfigState state, FileConfigSource source, GatewaySettings settings,
    ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger logger = loggerFactory.CreateLogger("EdgeGateway");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(OnStarted);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnStarted()
    {
        var runtime = state.Current!;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        LogStarted(logger, string.Join(", ", addresses), runtime.Revision, runtime.Apis.Length, source.Path);
        if (source.InitialWasSigned && settings.TrustKey is null)
        {
            LogSignatureNotChecked(logger);
        }

        // Off the path to the first request: the watcher costs a thread and inotify set-up, and the
        // first SHA-256 loads OpenSSL (~2 ms) that the first keyed request would otherwise pay.
        _ = Task.Run(() =>
        {
            source.StartWatching();
            _ = System.Security.Cryptography.SHA256.HashData([]);
        });
    }

    [LoggerMessage(100, LogLevel.Information, "EdgeGateway listening on {Addresses}; revision {Revision} with {ApiCount} APIs from {Path}")]
    private static partial void LogStarted(ILogger logger, string addresses, long revision, int apiCount, string path);

    [LoggerMessage(103, LogLevel.Warning, "The config file is signed but Trust:SigningKey is not set: its signature was NOT checked")]
    private static partial void LogSignatureNotChecked(ILogger logger);
}
