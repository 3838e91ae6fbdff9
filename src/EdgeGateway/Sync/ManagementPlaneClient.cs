using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Sync;

namespace EdgeGateway.Sync;

/// <summary>
/// The gateway's only outbound conversation: fetch the snapshot (long poll with ETags) and send heartbeats.
/// Trusts the system CAs plus <c>ManagementPlane:CaCertificatePath</c> when given.
/// </summary>
internal sealed class ManagementPlaneClient : IDisposable
{
    private readonly HttpClient http;
    private readonly string gatewayId;
    private readonly GatewayTokenSource tokens;
    private readonly long maxSnapshotBytes;

    /// <summary>An error answer is read only for its problem detail: a few KiB at most.</summary>
    private const int MaxProblemBytes = 64 * 1024;

    public ManagementPlaneClient(GatewaySettings settings, GatewayTokenSource tokens)
        : this(settings, tokens, null)
    {
    }

    /// <summary>Tests answer for the plane through <paramref name="handler"/>; null: the real socket handler.</summary>
    internal ManagementPlaneClient(GatewaySettings settings, GatewayTokenSource tokens, HttpMessageHandler? handler)
    {
        this.tokens = tokens;
        var mp = settings.ManagementPlane;
        gatewayId = settings.Gateway.Id!;
        maxSnapshotBytes = mp.MaxSnapshotBytes;
        var sockets = new SocketsHttpHandler
        {
            UseProxy = true,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (mp.CaCertificatePath is { Length: > 0 } caPath)
        {
            var ca = LoadCa(caPath);
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, presented, errors) =>
                errors == SslPolicyErrors.None || (certificate is not null && ChainsTo(certificate, presented, ca, errors));
        }

        http = new HttpClient(handler ?? sockets) { BaseAddress = new Uri(mp.Url!.TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("EdgeGateway", Health.ThisAssembly.Version));
    }

    public Uri BaseAddress => http.BaseAddress!;

    public async Task<SnapshotResponse> GetSnapshotAsync(string? etag, TimeSpan wait, CancellationToken cancellationToken)
    {
        var path = SyncProtocol.SnapshotPath(gatewayId).TrimStart('/') + (wait > TimeSpan.Zero ? $"?wait={(int)wait.TotalSeconds}" : "");
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", tokens.Value);
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        // The poll itself may take `wait`; anything much longer is a dead connection.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait + TimeSpan.FromSeconds(15));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var body = response.StatusCode == HttpStatusCode.OK ? await ReadCappedAsync(response.Content, maxSnapshotBytes, timeout.Token) : null;
        var detail = response.StatusCode != HttpStatusCode.OK && !response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotModified
            ? await ProblemDetailAsync(response, timeout.Token) : null;
        var confirmation = response.Headers.TryGetValues(SyncProtocol.ConfirmationHeader, out var values) ? values.FirstOrDefault() : null;
        return new SnapshotResponse(response.StatusCode, body, response.Headers.ETag?.ToString(), detail)
        {
            TooLarge = response.StatusCode == HttpStatusCode.OK && body is null,
            Confirmation = confirmation,
        };
    }

    /// <summary>The body, or null when it is longer than <paramref name="max"/> bytes (declared or as it streams): never buffered past the cap.</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, long max, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > max)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream(content.Headers.ContentLength is { } length ? (int)length : 64 * 1024);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public async Task<HttpStatusCode> SendHeartbeatAsync(HeartbeatRequest heartbeat, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, SyncProtocol.HeartbeatPath(gatewayId).TrimStart('/'))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(heartbeat, SyncJsonContext.Default.HeartbeatRequest)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", tokens.Value);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var response = await http.SendAsync(request, cts.Token);
        return response.StatusCode;
    }

    public void Dispose() => http.Dispose();

    /// <summary>A failed request in a few words, with the socket error when the message leaves it out.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        HttpRequestException { InnerException: { } inner } when !ex.Message.Contains(inner.Message, StringComparison.Ordinal) => $"{ex.Message} ({inner.Message})",
        OperationCanceledException => "timed out",
        _ => ex.Message,
    };

    private static async Task<string?> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            if (await ReadCappedAsync(response.Content, MaxProblemBytes, cancellationToken) is not { } text)
            {
                return null;
            }

            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString()
                : doc.RootElement.TryGetProperty("title", out var title) ? title.GetString() : null;
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The first certificate in a PEM file (no key needed); validated at start by <see cref="GatewaySettings"/>.</summary>
    public static X509Certificate2 LoadCa(string path) => X509Certificate2.CreateFromPem(File.ReadAllText(path));

    private static bool ChainsTo(X509Certificate certificate, X509Chain? presented, X509Certificate2 ca, SslPolicyErrors errors)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1")); // server authentication

        // Intermediates the server sent (root -> intermediate -> server is the usual private PKI).
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var owned = certificate as X509Certificate2 is null;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            return chain.Build(leaf);
        }
        finally
        {
            if (owned)
            {
                leaf.Dispose();
            }
        }
    }
}

internal sealed record SnapshotResponse(HttpStatusCode Status, byte[]? Body, string? ETag, string? ProblemDetail)
{
    /// <summary>A 200 whose body was longer than <c>ManagementPlane:MaxSnapshotBytes</c>: not read, <see cref="Body"/> is null.</summary>
    public bool TooLarge { get; init; }

    /// <summary>The signed <c>EdgeGateway-Confirmation</c> header, as sent (verified by the sync loop).</summary>
    public string? Confirmation { get; init; }
}
