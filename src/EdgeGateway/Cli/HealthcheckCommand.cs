using EdgeGateway.Contracts.Cli;
using EdgeGateway.Hosting;

namespace EdgeGateway.Cli;

/// <summary>
/// <c>EdgeGateway healthcheck</c>: GET <c>/healthz/ready</c> of the gateway running beside it (a container's exec-form
/// HEALTHCHECK), at the first <c>http://</c> listener the gateway computes from the same settings (<c>--urls</c>,
/// ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, default <c>http://+:8080</c>), else its http:// admin listener
/// (Gateway__AdminUrls), else its first https:// listener on loopback, or <c>--url</c>. No host is built.
/// It sees only the environment and its own arguments: a <c>--urls</c> given to the server is not visible to it.
/// Exit 0 or 1 only (usage errors too): Docker reserves 2 in a health check.
/// </summary>
internal static class HealthcheckCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter stderr)
    {
        if (HealthProbe.Parse("EdgeGateway", args, stderr) is not { } options)
        {
            return Task.FromResult(HealthProbe.Unhealthy);
        }

        var urls = GatewayHostBuilder.Urls(options.Urls, Environment.GetEnvironmentVariable) ?? GatewayHostBuilder.DefaultUrls;
        var environment = new ConfigurationBuilder().AddEnvironmentVariables("ASPNETCORE_").AddEnvironmentVariables().Build();
        return HealthProbe.RunAsync(options, urls, AdminUrls(environment), stderr);
    }

    /// <summary>
    /// <c>Gateway:AdminUrls</c> from the environment, read as the host reads it (ASPNETCORE_-prefixed, then plain
    /// variables, which win). appsettings.json and the server's command line are not visible here.
    /// </summary>
    internal static string? AdminUrls(IConfiguration environment) => GatewayHostBuilder.Set(environment[$"{Configuration.GatewayOptions.Section}:AdminUrls"]);
}
