using EdgeGateway.Configuration;
using EdgeGateway.Health;
using EdgeGateway.Proxy;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EdgeGateway.Hosting;

/// <summary>Registration and run loop of the gateway: the pieces Program.cs lists.</summary>
internal static partial class GatewayApplication
{
    public static void AddGateway(this WebApplicationBuilder builder, GatewaySettings settings)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton<ConfigState>();
        services.AddSingleton<HealthEndpoints>();
        services.AddSingleton(sp => new FileConfigSource(settings.Gateway.ConfigFile!, settings.TrustKey,
            sp.GetRequiredService<ConfigState>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddHttpForwarder();
        services.AddSingleton(_ => new HttpMessageInvoker(new SocketsHttpHandler
        {
            // YARP's recommended settings for a proxy's backend client.
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        }));
        services.AddSingleton<GatewayRequestHandler>();
        services.AddHostedService<ActiveHealthChecker>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Gateway.ShutdownTimeout);
    }

    public static void UseGateway(this WebApplication app)
    {
        var handler = app.Services.GetRequiredService<GatewayRequestHandler>();
        app.Run(handler.InvokeAsync);
    }

    /// <summary>Applies the first config, starts listening, then watches for changes until SIGTERM.</summary>
    public static async Task<int> RunGatewayAsync(this WebApplication app, FileLoad initial)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeGateway");
        var source = app.Services.GetRequiredService<FileConfigSource>();
        var state = app.Services.GetRequiredService<ConfigState>();

        if (initial.Runtime is null)
        {
            foreach (var problem in initial.Problems)
            {
                LogStartupProblem(logger, problem);
            }

            LogNotStarting(logger, source.Path);
            await app.DisposeAsync(); // flushes the console logger
            return 1;
        }

        if (initial.WasSigned && app.Services.GetRequiredService<GatewaySettings>().TrustKey is null)
        {
            LogSignatureNotChecked(logger);
        }

        state.Apply(initial.Runtime);
        source.MarkApplied(initial.Content);
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        LogStarted(logger, string.Join(", ", addresses), initial.Runtime.Revision, initial.Runtime.Apis.Length, source.Path);
        source.StartWatching();

        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    [LoggerMessage(100, LogLevel.Information, "EdgeGateway listening on {Addresses}; revision {Revision} with {ApiCount} APIs from {Path}")]
    private static partial void LogStarted(ILogger logger, string addresses, long revision, int apiCount, string path);

    [LoggerMessage(101, LogLevel.Critical, "Config problem: {Problem}")]
    private static partial void LogStartupProblem(ILogger logger, string problem);

    [LoggerMessage(102, LogLevel.Critical, "Not starting: no valid config in {Path} (Gateway:ConfigFile). Fix the problems above and start again.")]
    private static partial void LogNotStarting(ILogger logger, string path);

    [LoggerMessage(103, LogLevel.Warning, "The config file is signed but Trust:SigningKey is not set: its signature was NOT checked")]
    private static partial void LogSignatureNotChecked(ILogger logger);
}
