using EdgeGateway.Contracts.Cli;
using EdgeGateway.Hosting;

namespace EdgeGateway.Cli;

/// <summary>
/// <c>EdgeGateway healthcheck</c>: GET <c>/healthz/ready</c> of the gateway running beside it (a container's exec-form
/// HEALTHCHECK), at the first <c>http://</c> listener the gateway computes from the same settings (<c>--urls</c>,
/// ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, default <c>http://+:8080</c>), or <c>--url</c>. No host is built.
/// </summary>
internal static class HealthcheckCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter stderr)
    {
        if (HealthProbe.Parse("EdgeGateway", args, stderr) is not { } options)
        {
            return Task.FromResult(GatewayCli.Usage);
        }

        var urls = GatewayHostBuilder.Urls(options.Urls, Environment.GetEnvironmentVariable) is { Length: > 0 } set ? set : GatewayHostBuilder.DefaultUrls;
        var url = options.Url ?? HealthProbe.ReadyUrl(urls);
        if (url is null)
        {
            stderr.WriteLine($"error: urls '{urls}' has no http:// listener to probe: pass --url https://HOST:PORT{HealthProbe.ReadyPath}");
            return Task.FromResult(GatewayCli.Usage);
        }

        return HealthProbe.RunAsync(url, options.Timeout, stderr);
    }
}
