using Microsoft.Extensions.Primitives;

namespace EdgeGateway.Policies.SideCalls;

/// <summary>
/// The side request while send-request's children shape it: evaluated against the run, synchronously, so that a
/// send-one-way-request holds nothing of the request once its step returns. Turned into a message only to be sent.
/// </summary>
internal sealed class SideRequest
{
    public string? Url { get; set; }

    public string Method { get; set; } = HttpMethods.Get;

    public Dictionary<string, StringValues> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public byte[]? Body { get; set; }

    /// <summary>An authentication-certificate child: the client that presents its certificate, in place of the pooled one.</summary>
    public HttpMessageInvoker? Invoker { get; set; }

    /// <summary>authentication-managed-identity children: tokens fetched just before sending (the only part that waits).</summary>
    public List<PendingToken>? Tokens { get; set; }

    /// <summary>The message to send; null with the reason when the URL is not an absolute http or https URL.</summary>
    public HttpRequestMessage? ToMessage(out string? error)
    {
        if (Url is null || !Contracts.Validation.SendRequestUrl.TryParse(Url, out var uri))
        {
            error = Url is null ? "no URL (set-url)" : "the URL is not an absolute http or https URL";
            return null;
        }

        // HttpMethod.Parse gives the shared instance of a known method (GET, POST, ...): no allocation for them.
        var message = new HttpRequestMessage(HttpMethod.Parse(Method), uri);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
        }

        foreach (var (name, values) in Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                (message.Content ??= new ByteArrayContent([])).Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        error = null;
        return message;
    }
}
