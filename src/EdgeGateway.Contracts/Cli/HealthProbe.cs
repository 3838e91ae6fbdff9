using System.Globalization;
using System.Net.Sockets;

namespace EdgeGateway.Contracts.Cli;

/// <summary>
/// <c>healthcheck</c> for both binaries: a GET of the binary's own <c>/healthz/ready</c> on loopback, for a container's
/// exec-form HEALTHCHECK (no shell, no curl in a chiseled image). Exit 0 on 200; 1 on anything else, usage errors
/// included, with the reason on stderr (status, refused, timeout, bad option): Docker reserves exit code 2 of a health
/// check, so it is never used. Nothing is built but one HttpClient: it runs every few seconds.
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
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds) || seconds <= 0 || seconds > 300)
                    {
                        return Usage(binary, stderr, $"--timeout '{value}' is not a number of seconds above 0 and at most 300");
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
    /// <c>urls</c> setting), or null when there is none. See <see cref="ListenerUrl"/> for the host it probes.
    /// </summary>
    public static Uri? ReadyUrl(string urls) => ListenerUrl(urls, Uri.UriSchemeHttp);

    /// <summary>
    /// The <c>/healthz/ready</c> URL of the first listener of <paramref name="scheme"/> in <paramref name="urls"/>.
    /// A loopback IP literal (127.x, [::1]) is kept, and so is any other IP literal: a listener bound to one address of
    /// this host answers only there. Every other host is probed at 127.0.0.1:
    /// <list type="bullet">
    /// <item>A wildcard (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>). Both binaries bind <c>[::]</c> dual-mode, so
    /// 127.0.0.1 reaches it, while [::1] does not exist where IPv6 is switched off.</item>
    /// <item><c>localhost</c>. It binds 127.0.0.1, and [::1] only where IPv6 is on.</item>
    /// <item>A host name. ASP.NET Core binds every interface for it; probing the name through DNS could reach another
    /// machine and call a dead local process healthy.</item>
    /// </list>
    /// </summary>
    public static Uri? ListenerUrl(string urls, string scheme)
    {
        ArgumentNullException.ThrowIfNull(urls);
        var prefix = scheme + "://";
        foreach (var entry in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!entry.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = entry[prefix.Length..].Split('/', 2)[0];
            var colon = rest.LastIndexOf(':');
            string host;
            string port;
            if (colon < 0 || rest.EndsWith(']'))
            {
                (host, port) = (rest, scheme == Uri.UriSchemeHttps ? "443" : "80");
            }
            else
            {
                (host, port) = (rest[..colon], rest[(colon + 1)..]);
            }

            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                continue;
            }

            return new Uri($"{scheme}://{ProbeHost(host)}:{number}{ReadyPath}");
        }

        return null;
    }

    private static string ProbeHost(string host)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (System.Net.IPAddress.TryParse(literal, out var address)
            && !address.Equals(System.Net.IPAddress.Any) && !address.Equals(System.Net.IPAddress.IPv6Any))
        {
            return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{literal}]" : literal;
        }

        return "127.0.0.1";
    }

    /// <summary>The <c>urls</c> an <c>http_ports</c> value (ASPNETCORE_HTTP_PORTS: <c>8080;8081</c>) stands for, as ASP.NET Core reads it.</summary>
    public static string? UrlsFromHttpPorts(string? ports) =>
        string.IsNullOrWhiteSpace(ports) ? null
            : string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));

    /// <summary>
    /// GETs <paramref name="url"/>; 0 on 200, else 1 with one line on <paramref name="stderr"/>.
    /// <paramref name="ownLoopbackListener"/>: the URL is the binary's own https:// listener on 127.0.0.1, derived from
    /// its settings (no http:// listener to use). Its certificate is issued for the public name, or self-signed, so it
    /// cannot be validated against 127.0.0.1, and validation is switched off for this one probe. That is safe here: the
    /// connection never leaves the machine, and the probe sends no credentials or other secret, so a fake server could
    /// learn nothing. An explicit <c>--url</c> is always validated.
    /// </summary>
    public static async Task<int> RunAsync(Uri url, TimeSpan timeout, TextWriter stderr, bool ownLoopbackListener = false)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(stderr);
        using var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false };
        if (ownLoopbackListener && url.Scheme == Uri.UriSchemeHttps && url.IsLoopback)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

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

    /// <summary>The exit code of every failure, usage errors included (Docker reserves 2 in a health check).</summary>
    public const int Unhealthy = 1;

    /// <summary>
    /// The listener to probe when no <c>--url</c> is given: the first <c>http://</c> one of <paramref name="urls"/>;
    /// else the first <c>http://</c> one of <paramref name="fallbackHttpUrls"/> (the gateway's admin listener answers
    /// <c>/healthz/*</c> too); else the first <c>https://</c> one of <paramref name="urls"/>, on 127.0.0.1 with its
    /// certificate not validated (see <see cref="RunAsync(Uri, TimeSpan, TextWriter, bool)"/>). Null when there is none of these.
    /// </summary>
    public static (Uri Url, bool OwnHttps)? Choose(string urls, string? fallbackHttpUrls)
    {
        if (ReadyUrl(urls) is { } http)
        {
            return (http, false);
        }

        if (!string.IsNullOrWhiteSpace(fallbackHttpUrls) && ReadyUrl(fallbackHttpUrls) is { } admin)
        {
            return (admin, false);
        }

        return ListenerUrl(urls, Uri.UriSchemeHttps) is { } https ? (https, true) : null;
    }

    /// <summary>
    /// Runs the probe a <c>healthcheck</c> subcommand asks for, once the binary has worked out its listeners
    /// (<paramref name="urls"/>) and, for the gateway, its admin listeners.
    /// </summary>
    public static Task<int> RunAsync(HealthcheckArgs options, string urls, string? fallbackHttpUrls, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stderr);
        if (options.Url is not null)
        {
            return RunAsync(options.Url, options.Timeout, stderr);
        }

        if (Choose(urls, fallbackHttpUrls) is not { } chosen)
        {
            stderr.WriteLine($"unhealthy: no http:// or https:// listener to probe in urls '{urls}': pass --url http://127.0.0.1:PORT{ReadyPath}");
            return Task.FromResult(Unhealthy);
        }

        return RunAsync(chosen.Url, options.Timeout, stderr, chosen.OwnHttps);
    }

    private static HealthcheckArgs? Usage(string binary, TextWriter stderr, string problem)
    {
        stderr.WriteLine($"error: {problem}\nusage: {binary} healthcheck [--url URL] [--urls URLS] [--timeout SECONDS]");
        return null;
    }
}

/// <summary>What <c>healthcheck</c> was given: an explicit URL, the <c>--urls</c> of the command line, the timeout.</summary>
public sealed record HealthcheckArgs(Uri? Url, string? Urls, TimeSpan Timeout);
