using System.Collections.Frozen;
using EdgeGateway.Contracts.Policies;
using Microsoft.Net.Http.Headers;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's cors. A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered by the gateway: 200 with
/// the Access-Control-Allow-* headers when origin, method and every requested header are allowed, an empty 200 otherwise
/// (the browser then refuses the call); it never reaches the backend. The request handler answers preflights before the
/// subscription check, from the route's cors steps (<see cref="PolicyPipeline.Cors"/>): a browser never sends a key on a
/// preflight. In inbound, on an actual request, the first cors step takes over the response's CORS headers: whatever
/// response goes out (the backend's, return-response, an error) loses the Access-Control-* headers it had and carries the
/// allowing policy's own, or none when no cors allowed origin and method; an unmatched GET or HEAD gets an empty 200 when
/// <c>terminateUnmatchedRequest</c> (APIM's default) and goes on otherwise. The handler's own 401 for a missing or invalid
/// key carries the allowing step's headers too (<see cref="AllowRejection"/>), so the calling page can read it.
/// Everything is compiled at load into sets and ready-made header values.
/// </summary>
internal sealed class Cors : PolicyStep
{
    public const string Type = "cors";

    private static readonly ReturnResponse EmptyOk = new(StatusCodes.Status200OK, null, [], null);

    /// <summary>Every CORS response header of the Fetch standard (and Private Network Access's): removed without a scan.</summary>
    private static readonly string[] ResponseHeaderNames =
    [
        HeaderNames.AccessControlAllowOrigin, HeaderNames.AccessControlAllowCredentials, HeaderNames.AccessControlAllowMethods,
        HeaderNames.AccessControlAllowHeaders, HeaderNames.AccessControlExposeHeaders, HeaderNames.AccessControlMaxAge,
        "Access-Control-Allow-Private-Network",
    ];

    /// <summary>
    /// Once a cors step has judged a cross-origin request, the policy alone decides its CORS response headers: whatever
    /// the backend (or anything else) put there goes, and the allowing policy's own are written, or none when unmatched.
    /// </summary>
    private static readonly Func<object, Task> OwnResponseHeaders = static state =>
    {
        var run = (PolicyRun)state;
        var headers = run.Http.Response.Headers;
        foreach (var name in ResponseHeaderNames)
        {
            headers.Remove(name);
        }

        run.CorsMatch?.WriteActualHeaders(run.Http);
        return Task.CompletedTask;
    };

    private readonly bool anyOrigin;
    private readonly FrozenSet<string> origins;
    private readonly bool anyMethod;
    private readonly FrozenSet<string> methods;
    private readonly bool anyHeader;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> headers;
    private readonly string? expose;
    private readonly bool credentials;
    private readonly string? maxAge;

    private Cors(string[] origins, string[]? methods, string[] headers, string[] expose, bool credentials, int maxAge, bool terminate)
    {
        anyOrigin = origins is [CorsOrigins.Any];
        this.origins = origins.Select(o => CorsOrigins.Normalize(o) ?? o).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        methods ??= ["GET", "POST"];
        anyMethod = methods is [CorsOrigins.Any];
        this.methods = methods.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        anyHeader = headers is [CorsOrigins.Any];
        this.headers = headers.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        this.expose = expose.Length == 0 ? null : string.Join(", ", expose);
        this.credentials = credentials;
        this.maxAge = maxAge > 0 ? maxAge.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        Terminates = terminate;
    }

    /// <summary>APIM's terminateUnmatchedRequest: an unmatched preflight (or GET/HEAD) ends here with an empty 200.</summary>
    public bool Terminates { get; }

    public static PolicyStep Create(PolicyAttributes a)
    {
        var origins = a.Literals("allowedOrigins");
        var methods = a.Literals("allowedMethods");
        var headers = a.Literals("allowedHeaders");
        var expose = a.Literals("exposeHeaders");
        if (origins is null || methods is null || headers is null || expose is null)
        {
            return Unevaluable.Instance;
        }

        // Without allowedMethods (or with an empty list) APIM allows GET and POST.
        return new Cors(origins, methods.Length == 0 ? null : methods, headers, expose,
            a.Bool("allowCredentials") ?? false, a.Int("preflightResultMaxAge") ?? 0, a.Bool("terminateUnmatchedRequest") ?? true);
    }

    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.Origin.Count > 0 && request.Headers.AccessControlRequestMethod.Count > 0;

    /// <summary>
    /// Answers a preflight from a route's top-level inbound cors steps, in order, as APIM: the first that allows it answers;
    /// one that does not and terminates ends it with an empty 200; one that does not terminate hands it to the next.
    /// </summary>
    public static void AnswerPreflight(HttpContext http, ReadOnlySpan<Cors> steps)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = 0;
        foreach (var step in steps)
        {
            if (step.Allows(http.Request, preflight: true))
            {
                step.WritePreflightHeaders(http);
                break;
            }

            if (step.Terminates)
            {
                break;
            }
        }
    }

    /// <summary>
    /// The CORS headers of an answer the gateway gives before any policy runs (a missing or invalid subscription key), from
    /// the same steps that answered the request's preflight: without them a browser hides the 401 from the page that called
    /// (try-it shows a network error instead of "Access denied due to invalid subscription key"). Nothing when no step allows
    /// the origin and method.
    /// </summary>
    public static void AllowRejection(HttpContext http, ReadOnlySpan<Cors> steps)
    {
        foreach (var step in steps)
        {
            if (step.Allows(http.Request, preflight: false))
            {
                step.WriteActualHeaders(http);
                return;
            }

            if (step.Terminates)
            {
                return;
            }
        }
    }

    public override PolicyResult Apply(PolicyRun run)
    {
        var request = run.Http.Request;
        if (request.Headers.Origin.Count == 0 || run.CorsMatch is not null)
        {
            return PolicyResult.Continue; // not cross-origin, or an earlier cors already allowed it
        }

        if (IsPreflight(request))
        {
            // Reached only when the handler did not answer first (cors at product scope, the key in the query). Decided as
            // the handler decides, from this step and the pipeline's later cors steps, so a preflight never reaches the backend.
            var answered = EmptyOk.Apply(run);
            var all = run.Pipeline.Cors;
            var at = Array.IndexOf(all, this);
            var self = this; // a cors nested in choose is not among the pipeline's: it decides alone
            AnswerPreflight(run.Http, at < 0 ? new ReadOnlySpan<Cors>(in self) : all.AsSpan(at));
            return answered;
        }

        if (!run.CorsOwnsResponseHeaders)
        {
            run.CorsOwnsResponseHeaders = true;
            run.Http.Response.OnStarting(OwnResponseHeaders, run);
        }

        if (Allows(request, preflight: false))
        {
            run.CorsMatch = this;
            return PolicyResult.Continue;
        }

        return Terminates && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) ? EmptyOk.Apply(run) : PolicyResult.Continue;
    }

    private bool Allows(HttpRequest request, bool preflight)
    {
        var headers = request.Headers;
        var origin = headers.Origin;
        if (origin.Count != 1 || !(anyOrigin || origins.Contains(origin[0]!)))
        {
            return false;
        }

        if (!preflight)
        {
            return anyMethod || methods.Contains(request.Method);
        }

        var method = headers.AccessControlRequestMethod;
        if (method.Count != 1 || !(anyMethod || methods.Contains(method[0]!)))
        {
            return false;
        }

        if (anyHeader)
        {
            return true;
        }

        foreach (var line in headers.AccessControlRequestHeaders)
        {
            var rest = (line ?? "").AsSpan();
            foreach (var range in rest.Split(','))
            {
                var name = rest[range].Trim(" \t");
                if (!name.IsEmpty && !this.headers.Contains(name))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private void WriteOrigin(HttpContext http)
    {
        var headers = http.Response.Headers;
        if (anyOrigin && !credentials)
        {
            headers.AccessControlAllowOrigin = CorsOrigins.Any;
        }
        else
        {
            headers.AccessControlAllowOrigin = http.Request.Headers.Origin;
            headers.Append(HeaderNames.Vary, HeaderNames.Origin);
        }

        if (credentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }
    }

    private void WritePreflightHeaders(HttpContext http)
    {
        WriteOrigin(http);
        var headers = http.Response.Headers;
        var requested = http.Request.Headers;
        headers.AccessControlAllowMethods = requested.AccessControlRequestMethod;
        if (requested.AccessControlRequestHeaders.Count > 0)
        {
            headers.AccessControlAllowHeaders = requested.AccessControlRequestHeaders;
        }

        if (maxAge is not null)
        {
            headers.AccessControlMaxAge = maxAge;
        }
    }

    /// <summary>On the actual response, after <see cref="OwnResponseHeaders"/> removed any CORS headers sent before.</summary>
    private void WriteActualHeaders(HttpContext http)
    {
        WriteOrigin(http);
        if (expose is not null)
        {
            http.Response.Headers.AccessControlExposeHeaders = expose;
        }
    }
}
