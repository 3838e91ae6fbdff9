using EdgeGateway.Contracts.Cli;

namespace ManagementPlane.Cli;

/// <summary>
/// <c>ManagementPlane healthcheck</c>: GET <c>/healthz/ready</c> of the plane running beside it, at the first
/// <c>http://</c> listener ASP.NET Core would bind from the same settings: <c>urls</c> (<c>--urls</c>, ASPNETCORE_URLS,
/// DOTNET_URLS), else <c>http_ports</c> (ASPNETCORE_HTTP_PORTS), else its default <c>http://localhost:5000</c>; else its
/// first https:// listener on loopback. No host is built, so it sees only the environment and its own arguments, not
/// the server's command line or appsettings.json. Exit 0 or 1 only (usage errors too): Docker reserves 2 in a health check.
/// </summary>
internal static class HealthcheckCommand
{
    /// <summary>Where ASP.NET Core listens when neither urls nor http_ports is set.</summary>
    public const string DefaultUrls = "http://localhost:5000";

    public static Task<int> RunAsync(string[] args, TextWriter stderr)
    {
        if (HealthProbe.Parse("ManagementPlane", args, stderr) is not { } options)
        {
            return Task.FromResult(HealthProbe.Unhealthy);
        }

        var urls = Urls(options.Urls, new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables()
            .Build());
        return HealthProbe.RunAsync(options, urls, fallbackHttpUrls: null, stderr);
    }

    /// <summary>The listeners as the host picks them: <c>urls</c> wins over <c>http_ports</c>; empty or blank counts as unset.</summary>
    internal static string Urls(string? commandLine, IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(commandLine) ? commandLine
        : configuration["urls"] is { } urls && !string.IsNullOrWhiteSpace(urls) ? urls
        : HealthProbe.UrlsFromHttpPorts(configuration["http_ports"]) ?? DefaultUrls;
}
