using EdgeGateway.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EdgeGateway.Hosting;

/// <summary>Once the server listens: say what is served (and anything odd about how it was found), then start watching the config file.</summary>
internal sealed partial class StartupReporter(
    IHostApplicationLifetime lifetime, IServer server, ConfigState state, InitialConfig initial, GatewaySettings settings,
    IServiceProvider services, ILoggerFactory loggerFactory) : IHostedService
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
        var addresses = string.Join(", ", server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
        foreach (var note in initial.Notes)
        {
            LogStartupNote(logger, note);
        }

        if (state.Current is { } runtime)
        {
            LogStarted(logger, addresses, runtime.Revision, runtime.Apis.Length, runtime.Source);
        }
        else
        {
            LogWaiting(logger, addresses, settings.ManagementPlane.Url ?? "", settings.ManagementPlane.StartupTimeout);
        }

        if (initial.WasSigned && settings.TrustKey is null)
        {
            LogSignatureNotChecked(logger);
        }

        if (settings.ForwardedClientCertificateHeader is { } header && settings.TrustedProxies.IsEmpty)
        {
            LogForwardedCertificateNeverBelieved(logger, header);
        }

        // Off the path to the first request: the watcher costs a thread and inotify set-up, and the
        // first SHA-256 loads OpenSSL (~2 ms) that the first keyed request would otherwise pay.
        var source = services.GetService<FileConfigSource>();
        _ = Task.Run(() =>
        {
            source?.StartWatching();
            _ = System.Security.Cryptography.SHA256.HashData([]);
        });
    }

    [LoggerMessage(100, LogLevel.Information, "EdgeGateway listening on {Addresses}; revision {Revision} with {ApiCount} APIs from {Source}")]
    private static partial void LogStarted(ILogger logger, string addresses, long revision, int apiCount, string source);

    [LoggerMessage(101, LogLevel.Warning, "EdgeGateway listening on {Addresses}, NOT READY: waiting for a first snapshot from {Url} (at most {Timeout})")]
    private static partial void LogWaiting(ILogger logger, string addresses, string url, TimeSpan timeout);

    [LoggerMessage(102, LogLevel.Warning, "At start: {Note}")]
    private static partial void LogStartupNote(ILogger logger, string note);

    [LoggerMessage(104, LogLevel.Warning, "Gateway:Tls:ForwardedClientCertificateHeader names {Header} but Gateway:TrustedProxies is empty: the header is never believed")]
    private static partial void LogForwardedCertificateNeverBelieved(ILogger logger, string header);

    [LoggerMessage(103, LogLevel.Warning, "The config file is signed but Trust:SigningKey is not set: its signature was NOT checked")]
    private static partial void LogSignatureNotChecked(ILogger logger);
}
