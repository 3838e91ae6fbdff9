using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace EdgeGateway.Policies.Caching;

/// <summary>
/// The key a response is stored under: API, operation, the scheme and host the client used (the backend gets them as
/// X-Forwarded-Proto and X-Forwarded-Host and may build absolute links from them: one host's answer must never reach
/// another's clients), where the request goes (set-backend-service's URL, the path as the backend gets it), the listed query parameters and headers, and the subscription and product when the lookup varies
/// by them. Each part is length-prefixed (no two requests share a key by where their parts meet), and the whole is hashed:
/// a key never carries a header's value (an Authorization listed in varyByHeaders) into Redis or a log, and its length is fixed.
/// </summary>
internal static class CacheKey
{
    public const string Prefix = "edgegateway:cache:v1:";

    public static string Compose(PolicyRun run, string[] varyByQueryParameters, string[] varyByHeaders, bool varyByDeveloper, bool varyByDeveloperGroups)
    {
        var text = new StringBuilder(128);
        Part(text, run.ApiId);
        Part(text, run.OperationId);
        Part(text, run.Http.Request.Scheme);
        Part(text, run.Http.Request.Host.Value);
        Part(text, run.BackendUrl);
        Part(text, run.RewrittenPath is { } rewritten ? rewritten.AsSpan() : run.Remainder.Path);
        if (varyByQueryParameters.Length > 0)
        {
            var query = run.Http.Request.Query;
            foreach (var name in varyByQueryParameters)
            {
                Values(text, name, query[name]);
            }
        }

        var headers = run.Http.Request.Headers;
        foreach (var name in varyByHeaders)
        {
            Values(text, name, headers[name]);
        }

        Part(text, varyByDeveloper ? run.SubscriptionId : null);
        Part(text, varyByDeveloperGroups ? run.ProductId : null);

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return string.Concat(Prefix, Convert.ToHexStringLower(hash));
    }

    private static void Values(StringBuilder text, string name, StringValues values)
    {
        Part(text, name);
        text.Append(values.Count).Append('#'); // absent (0 values) and present-but-empty differ
        foreach (var value in values)
        {
            Part(text, value);
        }
    }

    private static void Part(StringBuilder text, ReadOnlySpan<char> part) => text.Append(part.Length).Append(':').Append(part);

    private static void Part(StringBuilder text, string? part)
    {
        if (part is null)
        {
            text.Append('-'); // absent, unlike the empty string ("0:")
            return;
        }

        Part(text, part.AsSpan());
    }
}
