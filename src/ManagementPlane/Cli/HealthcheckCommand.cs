using EdgeGateway.Contracts.Cli;

namespace ManagementPlane.Cli;

/// <summary>
/// <c>ManagementPlane healthcheck</c>: GET <c>/healthz/ready</c> of the plane running beside it, at the first
/// <c>http://</c> listener ASP.NET Core would bind from the same settings: <c>urls</c> (<c>--urls</c>, ASPNETCORE_URLS,
/// DOTNET_URLS), else <c>http_ports</c> (ASPNETCORE_HTTP_PORTS), else its default <c>http://localhost:5000</c>. No host is built.
/// </summary>
internal static class HealthcheckCommand
{
    /// <summary>Where ASP.NET Core listens when neither urls nor http_ports is set.</summary>
    public const string DefaultUrls = "http://localhost:5000";

    public static Task<int> RunAsync(string[] args, TextWriter stderr)
    {
        if (HealthProbe.Parse("ManagementPlane", args, stderr) is not { } options)
        {
            return Task.FromResult(2);
        }

        var urls = Urls(options.Urls, new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables()
            .Build());
        var url = options.Url ?? HealthProbe.ReadyUrl(urls);
        if (url is null)
        {
            stderr.WriteLine($"error: urls '{urls}' has no http:// listener to probe: pass --url https://HOST:PORT{HealthProbe.ReadyPath}");
            return Task.FromResult(2);
        }

        return HealthProbe.RunAsync(url, options.Timeout, stderr);
    }

    /// <summary>The listeners as the host picks them: <c>urls</c> wins over <c>http_ports</c>.</summary>
    internal static string Urls(string? commandLine, IConfiguration configuration) =>
        commandLine is { Length: > 0 } ? commandLine
        : configuration["urls"] is { Length: > 0 } urls ? urls
        : HealthProbe.UrlsFromHttpPorts(configuration["http_ports"]) ?? DefaultUrls;
}
