using System.Globalization;
using System.Net.Sockets;

namespace EdgeGateway.Contracts.Cli;

/// <summary>
/// <c>healthcheck</c> for both binaries: a GET of the binary's own <c>/healthz/ready</c> on loopback, for a container's
/// exec-form HEALTHCHECK (no shell, no curl in a chiseled image). Exit 0 on 200; 1 otherwise with one line on stderr
/// saying why (status, refused, timeout); 2 on a usage error. Nothing is built but one HttpClient: it runs every few seconds.
/// </summary>
public static class HealthProbe
{
    public const string ReadyPath = "/healthz/ready";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Parses the subcommand's options: <c>--url URL</c> (the full URL to GET), <c>--timeout SECONDS</c>, and <c>--urls</c>
    /// (as the binary's own command line takes it). Returns null and writes the problem to <paramref name="stderr"/> on a usage error.
    /// </summary>
    public static HealthcheckArgs? Parse(string binary, ReadOnlySpan<string> args, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        string? url = null, urls = null;
        var timeout = DefaultTimeout;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[..eq] : arg;
            string? value = eq > 0 ? arg[(eq + 1)..] : i + 1 < args.Length ? args[i + 1] : null;
            if (name is not ("--url" or "--urls" or "--timeout"))
            {
                return Usage(binary, stderr, $"unknown option '{arg}'");
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                return Usage(binary, stderr, $"{name} needs a value");
            }

            if (eq < 0)
            {
                i++;
            }

            switch (name)
            {
                case "--url":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    {
                        return Usage(binary, stderr, $"--url '{value}' is not an absolute http(s) URL, like http://127.0.0.1:8080/healthz/ready");
                    }

                    url = value;
                    break;
                case "--urls":
                    urls = value;
                    break;
                default:
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 300)
                    {
                        return Usage(binary, stderr, $"--timeout '{value}' is not a number of seconds from 0 to 300");
                    }

                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
            }
        }

        // A bare origin (http://127.0.0.1:9090) means its readiness endpoint.
        var target = url is null ? null : new Uri(url);
        if (target is not null && target.AbsolutePath == "/" && target.Query.Length == 0)
        {
            target = new Uri(target, ReadyPath);
        }

        return new HealthcheckArgs(target, urls, timeout);
    }

    /// <summary>
    /// The loopback URL of the first <c>http://</c> listener in <paramref name="urls"/> (<c>;</c>-separated, as the
    /// <c>urls</c> setting): a wildcard host (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) becomes 127.0.0.1 (or [::1]).
    /// Null when there is none (only https listeners, or nothing parseable).
    /// </summary>
    public static Uri? ReadyUrl(string urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        foreach (var entry in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!entry.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = entry["http://".Length..].Split('/', 2)[0];
            var colon = rest.LastIndexOf(':');
            string host;
            string port;
            if (colon < 0 || rest.EndsWith(']'))
            {
                (host, port) = (rest, "80");
            }
            else
            {
                (host, port) = (rest[..colon], rest[(colon + 1)..]);
            }

            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                continue;
            }

            host = host switch
            {
                "+" or "*" or "0.0.0.0" or "" => "127.0.0.1",
                "[::]" or "::" => "[::1]",
                _ => host,
            };
            return new Uri($"http://{host}:{number}{ReadyPath}");
        }

        return null;
    }

    /// <summary>The <c>urls</c> an <c>http_ports</c> value (ASPNETCORE_HTTP_PORTS: <c>8080;8081</c>) stands for, as ASP.NET Core reads it.</summary>
    public static string? UrlsFromHttpPorts(string? ports) =>
        string.IsNullOrWhiteSpace(ports) ? null
            : string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));

    /// <summary>GETs <paramref name="url"/>; 0 on 200, else 1 with one line on <paramref name="stderr"/>.</summary>
    public static async Task<int> RunAsync(Uri url, TimeSpan timeout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(stderr);
        using var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead, cts.Token).ConfigureAwait(false);
            if ((int)response.StatusCode == 200)
            {
                return 0;
            }

            var body = await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false);
            body = body.ReplaceLineEndings(" ").Trim();
            await stderr.WriteLineAsync($"unhealthy: {url} answered {(int)response.StatusCode}{(body.Length > 0 ? $": {(body.Length > 200 ? body[..200] : body)}" : "")}").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"unhealthy: {url} did not answer within {timeout.TotalSeconds:0.#} s").ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            var why = ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? "connection refused (nothing listens there)" : ex.Message;
            await stderr.WriteLineAsync($"unhealthy: {url}: {why}").ConfigureAwait(false);
        }

        return 1;
    }

    private static HealthcheckArgs? Usage(string binary, TextWriter stderr, string problem)
    {
        stderr.WriteLine($"error: {problem}\nusage: {binary} healthcheck [--url URL] [--urls URLS] [--timeout SECONDS]");
        return null;
    }
}

/// <summary>What <c>healthcheck</c> was given: an explicit URL, the <c>--urls</c> of the command line, the timeout.</summary>
public sealed record HealthcheckArgs(Uri? Url, string? Urls, TimeSpan Timeout);
