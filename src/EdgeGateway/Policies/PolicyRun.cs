using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Proxy;
using EdgeGateway.Routing;

namespace EdgeGateway.Policies;

/// <summary>
/// One request on its way through the gateway: the one object made per proxied request, with or without policies. It
/// holds what only this request knows (the raw path after the API prefix, whether the key came in the query, what
/// policies changed: backend, path) and refers to the route for everything compiled at load (pipelines, key names, the
/// route's transformer, which reads it back as a request feature). With policies it is also what expressions read
/// (<see cref="IPolicyContext"/> over the <see cref="HttpContext"/>) and what steps leave behind (variables, an error,
/// an answer); variables are a dictionary made only when a policy sets one.
/// </summary>
internal sealed class PolicyRun(HttpContext http, PolicyPipeline pipeline, PolicyRequest request) : IPolicyContext
{
    private Dictionary<string, string>? variables;
    private Dictionary<string, SideCalls.SideResponse?>? responses;
    private Dictionary<string, Microsoft.IdentityModel.JsonWebTokens.JsonWebToken>? tokens;
    private string? clientIp;
    private System.Net.IPAddress? clientAddress;
    private bool clientResolved;
    private System.Security.Cryptography.X509Certificates.X509Certificate2? forwardedCertificate;
    private bool forwardedResolved;
    private RequestEndWork endWork;
    private List<RequestEndWork>? moreEndWork;

    public HttpContext Http { get; } = http;

    public PolicyPipeline Pipeline { get; } = pipeline;

    /// <summary>The matched API: its transformer, key names and cluster, built once per snapshot.</summary>
    public ApiRoute Route => request.Api;

    /// <summary>The matched operation, when the API has operations (its URL template names the parameters rewrite-uri reads).</summary>
    public OperationRoute? Operation { get; init; }

    /// <summary>The raw request path after the API prefix, as the client wrote it: appended to the backend URL.</summary>
    public RawRemainder Remainder { get; init; }

    /// <summary>The subscription key came in the query: the transformer strips it before forwarding.</summary>
    public bool KeyInQuery { get; init; }

    /// <summary>rewrite-uri ran: the path (from '/') the backend gets after its base URL, in place of <see cref="Remainder"/>.</summary>
    public string? RewrittenPath { get; set; }

    /// <summary>
    /// set-header Host ran on the request: the Host the backend gets instead of its own. The client's Host stays in the
    /// request (X-Forwarded-Host carries it, routing matched it).
    /// </summary>
    public string? BackendHost { get; set; }

    /// <summary>set-backend-service ran: the base URL this request goes to, in place of the API's destinations.</summary>
    public string? BackendUrl { get; set; }

    /// <summary>set-body or find-and-replace replaced the body the backend gets (also the request body they read next).</summary>
    public byte[]? RequestBody { get; set; }

    /// <summary>set-body or find-and-replace replaced the body the client gets: written once outbound (or onError) ends.</summary>
    public byte[]? ResponseBody { get; set; }

    /// <summary>The backend's response while outbound runs: what find-and-replace reads the response body from.</summary>
    public HttpResponseMessage? BackendResponse { get; set; }

    /// <summary>authentication-certificate ran: the backend client (its client certificate) the request is forwarded through.</summary>
    public Auth.BackendClient? BackendClient { get; set; }

    /// <summary>What retry, forward-request or a circuit breaker told this request's forward call; null without them.</summary>
    public ForwardCall? Forward { get; private set; }

    /// <summary>The route has policies for this request: without, none of the policy state is ever touched.</summary>
    public bool HasPolicies => !Pipeline.IsEmpty;

    public Sections Section { get; set; } = Sections.Inbound;

    /// <summary>The response writes the section's requests and responses act on: the request before the backend, the response after.</summary>
    public bool ActsOnRequest => Section is Sections.Inbound or Sections.Backend;

    /// <summary>cache-lookup ran on this GET: the key cache-store stores under, and the entry when it was a hit.</summary>
    public Caching.CacheRequest? Cache { get; set; }

    /// <summary>What a return-response step left to write.</summary>
    public ReturnResponse? Answer { get; set; }

    /// <summary>The error that moved the request to onError, and the answer the gateway gives unless onError gives another.</summary>
    public PolicyError? LastError { get; private set; }

    /// <summary>set-status ran in onError: the gateway's error answer keeps its body but takes this status.</summary>
    public bool StatusSet { get; set; }

    public string? SubscriptionId => request.SubscriptionId;

    /// <summary>
    /// The client certificate (validate-client-certificate, <c>context.Request.Certificate</c>): the TLS connection's, else
    /// the one a trusted proxy forwarded (<c>Gateway:Tls:ForwardedClientCertificateHeader</c>), read on first use, once per
    /// request; null without one.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate => Http.Connection.ClientCertificate ?? ForwardedCertificate();

    public string? SubscriptionKey => request.SubscriptionKey;

    public string ClientIp => clientIp ??= ClientAddress?.ToString() ?? string.Empty;

    /// <summary>The client's address (<see cref="Proxy.ClientAddress"/>): worked out on first use, once per request.</summary>
    public System.Net.IPAddress? ClientAddress
    {
        get
        {
            if (!clientResolved)
            {
                clientAddress = Proxy.ClientAddress.Resolve(Http, request.TrustedProxies);
                clientResolved = true;
            }

            return clientAddress;
        }
    }

    private System.Security.Cryptography.X509Certificates.X509Certificate2? ForwardedCertificate()
    {
        if (!forwardedResolved)
        {
            forwardedCertificate = request.ForwardedCertificates?.Read(Http);
            forwardedResolved = true;
        }

        return forwardedCertificate;
    }

    /// <summary>The cors policy that allowed this cross-origin request: its headers go on whatever response the request gets.</summary>
    public Cors? CorsMatch { get; set; }

    /// <summary>A cors step judged this cross-origin request: the backend's CORS response headers are replaced (see <see cref="Cors"/>).</summary>
    public bool CorsOwnsResponseHeaders { get; set; }

    public string Method => Http.Request.Method;

    /// <summary>
    /// The method the client sent, before any set-method: what decides whether the client's response has a body (a client
    /// GET turned HEAD still expects one; a client HEAD turned GET never gets one).
    /// </summary>
    public string ClientMethod { get; } = http.Request.Method;

    public string Path => Http.Request.Path.Value ?? "/";

    public string? ApiId => request.Api.Id;

    public string? ApiName => request.Api.Name;

    public string? OperationId => request.OperationId;

    public string? ProductId => request.ProductId;

    public string? ProductName => request.ProductName;

    public string Region => request.Region;

    public int ResponseStatusCode => Forward?.Attempt is { } attempt ? (int)attempt.StatusCode : Http.Response.StatusCode;

    public string? LastErrorSource => LastError?.Source;

    public string? LastErrorReason => LastError?.Reason;

    public string? LastErrorMessage => LastError?.Message;

    /// <summary>The request's <see cref="Forward"/> settings, made on first use.</summary>
    public ForwardCall Forwarding() => Forward ??= new();

    /// <summary>A policy left work for the end of the request (<see cref="AtEnd"/>): the request handler runs it, once.</summary>
    public bool HasEndWork => endWork.Owner is not null;

    /// <summary>
    /// Work for when the gateway has written the response, whatever happened (an answer, an error, the client gone): what
    /// rate-limit's incrementCondition, quota's bandwidth and limit-concurrency's release need. The first entry is held in
    /// the run itself, so a request that leaves none, or one, allocates nothing for it.
    /// </summary>
    public void AtEnd(RequestEndWork work)
    {
        if (endWork.Owner is null)
        {
            endWork = work;
        }
        else
        {
            (moreEndWork ??= []).Add(work);
        }
    }

    /// <summary>Runs the end-of-request work, in the order it was left; one entry failing does not stop the others (a slot is always released).</summary>
    public async ValueTask RunEndWorkAsync(ILogger logger)
    {
        if (endWork.Owner is null)
        {
            return;
        }

        var first = endWork;
        endWork = default;
        await RunOne(first);
        if (moreEndWork is { } more)
        {
            moreEndWork = null;
            foreach (var work in more)
            {
                await RunOne(work);
            }
        }

        async ValueTask RunOne(RequestEndWork work)
        {
            try
            {
                await work.Owner!.EndAsync(this, work);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Traffic.TrafficLog.EndWorkFailed(logger, work.Owner!.GetType().Name, e.GetType().Name, e.Message);
            }
        }
    }

    /// <summary>The status code the backend answered with (the last attempt's); 0 while none has answered.</summary>
    public int BackendStatus { get; set; }

    /// <summary>The section <see cref="LastError"/> happened in (the access log's LastErrorSection).</summary>
    public string? LastErrorSection { get; private set; }

    /// <summary><c>Gateway:Id</c>, for the policy-error metrics' tag; null when not set.</summary>
    public string? GatewayId => request.GatewayId;

    public PolicyResult Fail(PolicyError error)
    {
        LastError = error;
        // A forward that failed is the backend section's failure (as APIM reports it), whichever section the API's policies last ran.
        LastErrorSection = error.Source == Telemetry.PolicyTelemetry.ForwardRequest ? "backend" : Telemetry.PolicyTelemetry.SectionName(Section);
        Telemetry.PolicyTelemetry.Failed(this, error);
        return PolicyResult.Failed;
    }

    public string? Header(string name) => Joined(Http.Request.Headers[name]);

    public string? Query(string name) => Joined(Http.Request.Query[name]);

    public string? ResponseHeader(string name) => Forward?.Attempt is { } attempt ? AttemptHeader(attempt, name) : Joined(Http.Response.Headers[name]);

    public string? Variable(string name) => variables is not null && variables.TryGetValue(name, out var value) ? value : null;

    public void SetVariable(string name, string value)
    {
        (variables ??= new(StringComparer.Ordinal))[name] = value;
        responses?.Remove(name); // one name, one value: text replaces a stored response
    }

    /// <summary>
    /// send-request's responseVariableName: the response (null when the call failed with ignoreError), kept apart from the
    /// text variables so that they stay a plain string dictionary; a response replaces a text variable of the same name.
    /// </summary>
    public void SetResponse(string name, SideCalls.SideResponse? response)
    {
        (responses ??= new(StringComparer.Ordinal))[name] = response;
        variables?.Remove(name);
    }

    /// <summary>Clears a variable (text or response): cache-lookup-value's miss without a default, as APIM assigns null.</summary>
    public void RemoveVariable(string name)
    {
        variables?.Remove(name);
        responses?.Remove(name);
    }

    public IPolicyResponse? ResponseVariable(string name) => responses is not null && responses.TryGetValue(name, out var response) ? response : null;

    /// <summary>validate-jwt's outputTokenVariableName: the validated token, for <see cref="Claim"/>.</summary>
    public void SetToken(string name, Microsoft.IdentityModel.JsonWebTokens.JsonWebToken token) => (tokens ??= new(StringComparer.Ordinal))[name] = token;

    /// <summary>
    /// A claim of the token validate-jwt kept under <paramref name="variable"/>: null when there is no such token or claim;
    /// a claim with several values (a JSON array) gives them joined with commas, as APIM's <c>Claims.GetValueOrDefault</c>.
    /// </summary>
    public string? Claim(string variable, string claim)
    {
        if (tokens is null || !tokens.TryGetValue(variable, out var token))
        {
            return null;
        }

        string? single = null;
        List<string>? several = null;
        foreach (var c in token.Claims)
        {
            if (c.Type != claim)
            {
                continue;
            }

            if (single is null)
            {
                single = c.Value;
            }
            else
            {
                (several ??= [single]).Add(c.Value);
            }
        }

        return several is null ? single : string.Join(',', several);
    }

    private static string? AttemptHeader(HttpResponseMessage attempt, string name) =>
        attempt.Headers.NonValidated.TryGetValues(name, out var values) || attempt.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? values.ToString() : null;

    private static string? Joined(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values.ToString();
}

/// <summary>What the request path knows before the pipeline starts: route, subscription, product, region (a value held inside the run, not an object of its own).</summary>
internal readonly record struct PolicyRequest(ApiRoute Api, string? OperationId, string? SubscriptionId, string? SubscriptionKey,
    string? ProductId, string? ProductName, string Region)
{
    /// <summary><c>Gateway:TrustedProxies</c>: whose <c>X-Forwarded-For</c> names the client.</summary>
    public Contracts.Net.IpRangeSet TrustedProxies { get; init; } = Contracts.Net.IpRangeSet.Empty;

    /// <summary><c>Gateway:Id</c>: the <c>edgegateway.gateway.id</c> tag of policy metrics; null when not set.</summary>
    public string? GatewayId { get; init; }

    /// <summary><c>Gateway:Tls:ForwardedClientCertificateHeader</c>: where a trusted proxy forwards the client's certificate; null when off.</summary>
    public ClientCertificates.ForwardedClientCertificates? ForwardedCertificates { get; init; }
}

/// <summary>
/// APIM's <c>context.LastError</c>, plus the answer the gateway gives when onError gives none.
/// </summary>
internal sealed record PolicyError(string Source, string Reason, string Message, int StatusCode)
{
    /// <summary>Headers the gateway's error answer carries (rate-limit's Retry-After), set after onError clears the response.</summary>
    public KeyValuePair<string, string>[]? Headers { get; init; }
}

/// <summary>What a policy does once the response is written (see <see cref="PolicyRun.AtEnd"/>).</summary>
internal interface IRequestEnd
{
    ValueTask EndAsync(PolicyRun run, RequestEndWork work);
}

/// <summary>One piece of end-of-request work: the policy that does it, and what it needs (a counter key, its window, a state object).</summary>
internal readonly record struct RequestEndWork(IRequestEnd? Owner, string Key, DateTimeOffset WindowEnd, object? State = null);
