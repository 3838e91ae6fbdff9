using System.Text;
using System.Text.Json.Serialization.Metadata;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.PolicyXml;
using ManagementPlane.State;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ManagementPlane.Resources;

/// <summary>The three forms a policy resource is read and written in: JSON, and APIM's policy XML (<c>xml</c> and <c>rawxml</c>).</summary>
internal enum PolicyFormat
{
    Json,
    Xml,
    RawXml,
}

/// <summary>
/// Content negotiation of the policy resources (<c>/policies</c>, <c>…/policy</c>, <c>/policy-fragments/{id}</c>): which form a
/// request body is in and which one an answer should be, the XML bodies' translation, and their refusals: 422 with every
/// untranslatable place and its line and column; 415 for any other media type.
/// </summary>
internal static class PolicyDocuments
{
    public const string Json = "application/json";

    /// <summary>APIM's <c>xml</c> format: expressions XML-escaped as any text.</summary>
    public const string Xml = "application/vnd.ms-azure-apim.policy+xml";

    /// <summary>APIM's <c>rawxml</c> format: expressions written as they are.</summary>
    public const string RawXml = "application/vnd.ms-azure-apim.policy.raw+xml";

    public static readonly string[] MediaTypes = [Json, Xml, RawXml];

    /// <summary>The form the client asks for in <c>Accept</c> (the first of ours it names, by quality); JSON otherwise.</summary>
    public static PolicyFormat Accepted(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return PolicyFormat.Json;
        }

        foreach (var type in accepted.OrderByDescending(a => a.Quality ?? 1))
        {
            var name = type.MediaType.Value;
            if (string.Equals(name, RawXml, StringComparison.OrdinalIgnoreCase))
            {
                return PolicyFormat.RawXml;
            }

            if (string.Equals(name, Xml, StringComparison.OrdinalIgnoreCase))
            {
                return PolicyFormat.Xml;
            }

            if (string.Equals(name, Json, StringComparison.OrdinalIgnoreCase) || name == "*/*")
            {
                return PolicyFormat.Json;
            }
        }

        return PolicyFormat.Json;
    }

    /// <summary>An answer in the form asked for.</summary>
    public static IResult Answer<T>(HttpContext context, T value, JsonTypeInfo<T> json, Func<T, bool, string> xml, int status = StatusCodes.Status200OK)
    {
        var format = Accepted(context.Request);
        return format == PolicyFormat.Json
            ? Results.Json(value, json, statusCode: status)
            : Results.Text(xml(value, format == PolicyFormat.RawXml), format == PolicyFormat.RawXml ? RawXml : Xml, Encoding.UTF8, status);
    }

    /// <summary>
    /// The request body: JSON as the other resources take it, or XML translated by <paramref name="xml"/> (raw or not, and the
    /// character limit). Any other media type is 415; an XML body that cannot be translated, 422.
    /// </summary>
    public static async Task<PolicyBody<T>> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> json, Func<string, bool, long, PolicyXmlResult<T>> xml)
        where T : class
    {
        var format = ContentFormat(context.Request);
        if (format is null)
        {
            return new(null, null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                $"'{context.Request.ContentType}' is not a policy document's media type; send one of {string.Join(", ", MediaTypes)}"));
        }

        if (format == PolicyFormat.Json)
        {
            var body = await RequestBody.ReadJsonAsync(context, json, context.RequestAborted);
            return new(body.Value, null, body.Error);
        }

        var limit = context.RequestServices.GetRequiredService<IOptions<ManagementOptions>>().Value.MaxBodyBytes;
        var bytes = await RequestBody.ReadBytesAsync(context, limit, context.RequestAborted);
        if (bytes.Error is not null)
        {
            return new(null, null, bytes.Error);
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.Value!).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return new(null, null, Unprocessable("the policy document is not UTF-8 text", []));
        }

        var result = xml(text, format == PolicyFormat.RawXml, limit);
        return result.Errors.Count > 0
            ? new(null, null, Unprocessable("the policy document cannot be translated; nothing was stored", result.Errors.Select(e => new ProblemError(e.Path, e.Message, e.Line, e.Column))))
            : new(result.Value, result.Positions, null);
    }

    /// <summary>
    /// A refused write. For an XML body (<paramref name="positions"/> set) an invalid result is 422 and each error under
    /// <paramref name="prefix"/> (the scope's JSON path in the state) gets the line and column it came from.
    /// </summary>
    /// <remarks>For a fragment (<paramref name="fragment"/>), errors found where it is included are located in the fragment's own document.</remarks>
    public static IResult Refused(StateError error, IReadOnlyDictionary<string, (int Line, int Column)>? positions, string? prefix, string? fragment = null)
    {
        if (positions is null || error.Kind != StateErrorKind.Invalid)
        {
            return Problems.For(error);
        }

        return Unprocessable("the policy document translates, but the result is not valid; nothing was stored",
            (error.Errors ?? []).Select(e => Locate(e, positions, prefix, fragment)));
    }

    private static ProblemError Locate(ConfigError error, IReadOnlyDictionary<string, (int Line, int Column)> positions, string? prefix, string? fragment)
    {
        var path = error.Path;
        string? relative = null;
        var marker = fragment is null ? -1 : path.IndexOf($" (fragment '{fragment}' ", StringComparison.OrdinalIgnoreCase);
        if (marker >= 0)
        {
            // "….inbound[1] (fragment 'x' policies[0]).name" → "policies[0].name" in the fragment's document.
            relative = path[(marker + $" (fragment '{fragment}' ".Length)..].Replace(")", "", StringComparison.Ordinal);
        }
        else if (prefix is not null && path.StartsWith(prefix + ".", StringComparison.Ordinal))
        {
            relative = path[(prefix.Length + 1)..];
            var included = relative.IndexOf(" (fragment", StringComparison.Ordinal);
            relative = included >= 0 ? relative[..included] : relative;
        }
        else if (prefix is null && fragment is null)
        {
            // Found before the state was touched: the path is the document's own.
            relative = path;
        }

        if (relative is not null)
        {
            for (var candidate = relative; candidate.Length > 0; candidate = Parent(candidate))
            {
                if (positions.TryGetValue(candidate, out var at))
                {
                    return new ProblemError(error.Path, error.Message, at.Line, at.Column);
                }
            }
        }

        return new ProblemError(error.Path, error.Message);
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }

    private static PolicyFormat? ContentFormat(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.ContentType))
        {
            return PolicyFormat.Json;
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
        {
            return null;
        }

        var name = type.MediaType.Value;
        return name switch
        {
            _ when string.Equals(name, Json, StringComparison.OrdinalIgnoreCase) => PolicyFormat.Json,
            _ when string.Equals(name, Xml, StringComparison.OrdinalIgnoreCase) => PolicyFormat.Xml,
            _ when string.Equals(name, RawXml, StringComparison.OrdinalIgnoreCase) => PolicyFormat.RawXml,
            _ => null,
        };
    }

    private static IResult Unprocessable(string detail, IEnumerable<ProblemError> errors) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "Unprocessable Content", detail, errors);
}

/// <summary>A policy request body: the value, where each JSON path came from in its XML (null for JSON), or the error answer.</summary>
internal sealed record PolicyBody<T>(T? Value, IReadOnlyDictionary<string, (int Line, int Column)>? Positions, IResult? Error)
    where T : class;
