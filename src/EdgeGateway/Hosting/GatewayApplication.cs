using EdgeGateway.Configuration;
using EdgeGateway.Health;
using EdgeGateway.Proxy;

namespace EdgeGateway.Hosting;

/// <summary>Registration of the gateway's pieces: what Program.cs lists.</summary>
internal static class GatewayApplication
{
    public static void AddGateway(this WebApplicationBuilder builder, GatewaySettings settings, InitialConfig initial)
    {
        var services = builder.Services;
        var time = TimeProvider.System;
        var state = new ConfigState(time);
        state.Apply(initial.Runtime);

        services.AddSingleton(time);
        services.AddSingleton(settings);
        services.AddSingleton(state);
        services.AddSingleton<HealthEndpoints>();
        services.AddSingleton(sp => new FileConfigSource(settings.Gateway.ConfigFile!, settings.TrustKey, settings.Gateway.Id, state, time,
            sp.GetRequiredService<ILoggerFactory>(), initial));
        services.AddHostedService<StartupReporter>();
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
}
