using System.Collections.Concurrent;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace EdgeGateway.Policies.Jwt;

/// <summary>
/// One <see cref="ConfigurationManager{T}"/> per discovery document URL, for the whole process: it holds the document and
/// its JWKS, refreshes them in the background (every <see cref="AutomaticRefresh"/>, and when a token names an unknown
/// key, at most once per refresh interval), and survives snapshot swaps because the steps of every revision look it up
/// here. Metadata is fetched by its own HTTP client (timeouts of its own, never the backend client).
/// </summary>
internal sealed class OpenIdKeyCache
{
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromMinutes(1);

    /// <summary>How often a document in use is fetched again without being asked (the library's minimum is 5 minutes).</summary>
    public static readonly TimeSpan AutomaticRefresh = TimeSpan.FromHours(1);

    /// <summary>How long one fetch of the document or the key set may take.</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> managers = new(StringComparer.Ordinal);
    private readonly IDocumentRetriever retriever;
    private readonly TimeSpan refreshInterval;

    /// <param name="refreshInterval">Least time between two refreshes asked for by unknown key ids (<c>Gateway:JwtKeyRefreshInterval</c>).</param>
    /// <param name="handler">The HTTP handler for metadata; a fresh one with its own timeouts when null.</param>
    public OpenIdKeyCache(TimeSpan refreshInterval, HttpMessageHandler? handler = null)
    {
        this.refreshInterval = refreshInterval;
        var client = new HttpClient(handler ?? new SocketsHttpHandler
        {
            ConnectTimeout = FetchTimeout,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(15),
        })
        {
            Timeout = FetchTimeout,
            MaxResponseContentBufferSize = 1024 * 1024,
        };
        retriever = new MetadataRetriever(new HttpDocumentRetriever(client) { RequireHttps = false });
    }

    /// <summary>How many documents are cached: what tests read to see a swap reuse, not refetch.</summary>
    public int Count => managers.Count;

    /// <summary>The manager for <paramref name="url"/>, created (and its first fetch started) on first use.</summary>
    public ConfigurationManager<OpenIdConnectConfiguration> Get(string url) => managers.GetOrAdd(url, Create);

    private ConfigurationManager<OpenIdConnectConfiguration> Create(string url)
    {
        var manager = new ConfigurationManager<OpenIdConnectConfiguration>(url, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            AutomaticRefreshInterval = AutomaticRefresh,
            RefreshInterval = refreshInterval,
        };

        // Start fetching while the snapshot is being applied, so the first request likely finds keys; a failure is
        // reported by the requests that need the keys.
        _ = manager.GetConfigurationAsync(CancellationToken.None).ContinueWith(
            t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return manager;
    }

    /// <summary>
    /// Every address fetched (the document, then its jwks_uri) must be HTTPS, or plain HTTP to a loopback host: the rule
    /// the validators apply to the configured URL, applied again to the key set's address the document names.
    /// </summary>
    private sealed class MetadataRetriever(IDocumentRetriever inner) : IDocumentRetriever
    {
        public Task<string> GetDocumentAsync(string address, CancellationToken cancel) =>
            Contracts.Policies.JwtMetadataUrl.Check(address) is { } problem
                ? Task.FromException<string>(new InvalidOperationException(problem))
                : inner.GetDocumentAsync(address, cancel);
    }
}
