using System.Net;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Configuration;
using EdgeGateway.Logging;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EdgeGateway.Hosting;

/// <summary>
/// The host with nothing it does not need: the empty builder, Kestrel core, configuration from
/// environment variables and the command line (plus appsettings.json only if present), console logs.
/// Each default left out is start-up time saved (docs/performance.md has the measurements).
/// </summary>
internal static class GatewayHostBuilder
{
    public const string DefaultUrls = "http://+:8080";
    private const string UrlsKey = "EdgeGateway:Urls";

    /// <summary>--urls / --urls=, else ASPNETCORE_URLS or DOTNET_URLS: removed from what the host sees.</summary>
    private static string? TakeUrls(ref string[] args)
    {
        string? urls = null;
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--urls" or "/urls" && i + 1 < args.Length)
            {
                urls = args[++i];
            }
            else if (args[i].StartsWith("--urls=", StringComparison.Ordinal))
            {
                urls = args[i]["--urls=".Length..];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        args = [.. rest];
        urls = Urls(urls, Environment.GetEnvironmentVariable);
        foreach (var name in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        return urls;
    }

    /// <summary>
    /// The listeners, as ASP.NET Core would pick them: <c>--urls</c>, else ASPNETCORE_URLS or DOTNET_URLS, else
    /// ASPNETCORE_HTTP_PORTS or DOTNET_HTTP_PORTS (<c>http://*:PORT</c> each; the chiseled images set 8080), else null
    /// (<see cref="DefaultUrls"/>). <c>healthcheck</c> reads the same, so it probes the port the gateway listens on.
    /// An empty or blank value counts as unset at each step, as ASP.NET Core treats it (<c>ASPNETCORE_URLS=</c> does
    /// not hide ASPNETCORE_HTTP_PORTS).
    /// </summary>
    internal static string? Urls(string? commandLine, Func<string, string?> environment) =>
        Set(commandLine) ?? Set(environment("ASPNETCORE_URLS")) ?? Set(environment("DOTNET_URLS"))
        ?? Contracts.Cli.HealthProbe.UrlsFromHttpPorts(Set(environment("ASPNETCORE_HTTP_PORTS")) ?? Set(environment("DOTNET_HTTP_PORTS")));

    /// <summary>Null for an unset, empty or blank value.</summary>
    internal static string? Set(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    public static WebApplicationBuilder Create(string[] args)
    {
        // Socket completions run inline on the epoll threads instead of hopping to the thread pool: a proxy's
        // request path never blocks, and on 2 cores this measured +10-30 % requests/s (docs/performance.md).
        // Set DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 to turn it off. Must happen before the first socket.
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
        {
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }

        // The gateway binds its endpoints itself (h2c and TLS ports beside the urls): take "urls" away from
        // the host, which would otherwise also bind them and warn that it is "overriding" them.
        var urls = TakeUrls(ref args);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = args });
        var config = builder.Configuration;
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "appsettings.json")))
        {
            config.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        }

        config.AddEnvironmentVariables("ASPNETCORE_");
        config.AddEnvironmentVariables();
        config.AddCommandLine(args);
        config.AddInMemoryCollection([new(UrlsKey, urls)]);

        // Logging:LogLevel:Default (Logging__LogLevel__Default) sets the level; see GatewayConsoleLoggerProvider for why not AddConsole.
        var level = Enum.TryParse<LogLevel>(config["Logging:LogLevel:Default"], ignoreCase: true, out var parsed) ? parsed : LogLevel.Information;
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new GatewayConsoleLoggerProvider(level, TimeProvider.System));
        builder.Logging.SetMinimumLevel(level < LogLevel.Information ? level : LogLevel.Information);

        // Backend errors are logged once, by GatewayRequestHandler, with the API's id; YARP's own warning for
        // the same error would be the second line.
        builder.Logging.AddFilter("Yarp.ReverseProxy.Forwarder.HttpForwarder", LogLevel.Error);
        return builder;
    }

    /// <summary>Kestrel listening on <c>urls</c> (default :8080), plus TLS and an h2c port when configured.</summary>
    public static void ConfigureKestrel(WebApplicationBuilder builder, GatewayOptions options)
    {
        builder.WebHost.UseKestrelCore();
        // No thread hop per request: the request runs on the socket thread that read it (docs/performance.md).
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = options.InlineScheduling);
        var urls = builder.Configuration[UrlsKey] is { Length: > 0 } configured ? configured : DefaultUrls;
        var certificate = LoadCertificate(options.Tls);
        var endpoints = ParseUrls(urls);
        var admin = AdminEndpoints(options);
        if (endpoints.Concat(admin).FirstOrDefault(e => e.Https && certificate is null) is { Host: not null } plain)
        {
            throw new StartupException($"urls or Gateway:AdminUrls has an https address (port {plain.Port}), but no certificate is configured: set Gateway:Tls:CertificatePath (and Gateway:Tls:KeyPath for PEM)");
        }

        if (admin.FirstOrDefault(a => a.Port == 0 || endpoints.Any(e => e.Port == a.Port) || a.Port == options.H2cPort) is { Host: not null } clash)
        {
            throw new StartupException($"Gateway:AdminUrls port {clash.Port} must be a fixed port of its own, not 0 and not one of urls or Gateway:H2cPort");
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // streaming proxy: the backend decides
            foreach (var (https, host, port) in endpoints)
            {
                Listen(kestrel, host, port, listen =>
                {
                    // HTTP/2 needs ALPN on a shared port; cleartext HTTP/2 has its own port (Gateway:H2cPort).
                    listen.Protocols = https ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
                    if (https)
                    {
                        // Client certificates are asked for here, never on the admin listener.
                        ClientCertificateListener.UseHttps(listen, certificate!, ClientCertificateSettings.Mode(options.Tls), kestrel);
                    }
                });
            }

            if (options.H2cPort is { } h2c)
            {
                Listen(kestrel, "*", h2c, listen => listen.Protocols = HttpProtocols.Http2);
            }

            foreach (var (https, host, port) in admin)
            {
                Listen(kestrel, host, port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    if (https)
                    {
                        listen.UseHttps(certificate!);
                    }
                });
            }
        });
    }

    /// <summary>The <c>Gateway:AdminUrls</c> listeners (none when unset): where the full status is served.</summary>
    public static IReadOnlyList<(bool Https, string Host, int Port)> AdminEndpoints(GatewayOptions options) =>
        options.AdminUrls is { Length: > 0 } admin ? ParseUrls(admin, "Gateway:AdminUrls") : [];

    private static List<(bool Https, string Host, int Port)> ParseUrls(string urls, string setting = "urls") =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => ParseUrl(u, setting)).ToList();

    private static X509Certificate2? LoadCertificate(TlsOptions tls)
    {
        if (string.IsNullOrEmpty(tls.CertificatePath))
        {
            return null;
        }

        try
        {
            return tls.KeyPath is { Length: > 0 }
                ? X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath, tls.Password);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new StartupException($"Gateway:Tls:CertificatePath '{tls.CertificatePath}' could not be loaded: {ex.Message}");
        }
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, Action<ListenOptions> configure)
    {
        switch (host)
        {
            case "*" or "+" or "0.0.0.0" or "[::]" or "::":
                kestrel.ListenAnyIP(port, configure);
                break;
            case "localhost":
                kestrel.ListenLocalhost(port, configure);
                break;
            default:
                kestrel.Listen(IPAddress.Parse(host.Trim('[', ']')), port, configure);
                break;
        }
    }

    private static (bool Https, string Host, int Port) ParseUrl(string url, string setting)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var https = schemeEnd > 0 && url[..schemeEnd].Equals("https", StringComparison.OrdinalIgnoreCase);
        var rest = schemeEnd > 0 ? url[(schemeEnd + 3)..] : url;
        rest = rest.Split('/', 2)[0];
        var colon = rest.LastIndexOf(':');
        if (colon < 0 || rest.EndsWith(']'))
        {
            colon = rest.Length;
            rest += https ? ":443" : ":80";
        }

        if (!int.TryParse(rest[(colon + 1)..], out var port) || port is < 0 or > 65535
            || (rest[..colon] is var host && host != "*" && host != "+" && host != "localhost" && !IPAddress.TryParse(host.Trim('[', ']'), out _)))
        {
            throw new StartupException($"{setting}: '{url}' is not like http://+:8080 or http://127.0.0.1:8080");
        }

        return (https, rest[..colon], port);
    }
}
