namespace EdgeGateway.Telemetry;

/// <summary>
/// Attribute (tag) names on the gateway's spans and metrics: the public contract (W's exporters, D's dashboards and queries
/// use them). A value the request does not have (no operation, no product) is left out, never an empty string.
/// </summary>
internal static class GatewayAttributes
{
    public const string ApiId = "edgegateway.api.id";
    public const string OperationId = "edgegateway.operation.id";
    public const string ProductId = "edgegateway.product.id";
    public const string GatewayId = "edgegateway.gateway.id";

    /// <summary>Spans only (too many values for a metric); the subscription's id, never its key.</summary>
    public const string SubscriptionId = "edgegateway.subscription.id";

    /// <summary>Spans only: the config revision that served the request.</summary>
    public const string ConfigRevision = "edgegateway.config.revision";

    /// <summary>Spans only: the backend base URL the request was forwarded to.</summary>
    public const string BackendDestination = "edgegateway.backend.destination";

    /// <summary>Request metrics: <c>1xx</c> .. <c>5xx</c> (low cardinality; spans carry the exact code).</summary>
    public const string StatusClass = "edgegateway.status_class";

    public const string RejectionReason = "edgegateway.rejection.reason";
    public const string Policy = "edgegateway.policy";
    public const string PolicySection = "edgegateway.policy.section";
    public const string Outcome = "edgegateway.outcome";
    public const string SyncState = "edgegateway.sync.state";

    /// <summary><c>edgegateway.redis.fallback</c>: which Redis link (<c>counters</c> or <c>cache</c>).</summary>
    public const string RedisUse = "edgegateway.redis.use";

    /// <summary>Policy-failure span events: the PolicyError's reason and message.</summary>
    public const string ErrorReason = "edgegateway.error.reason";
    public const string ErrorMessage = "edgegateway.error.message";

    // OpenTelemetry semantic conventions.
    public const string HttpStatusCode = "http.response.status_code";
    public const string ErrorType = "error.type";
    public const string NetworkIoDirection = "network.io.direction";

    /// <summary><c>edgegateway.rejection.reason</c> values.</summary>
    public static class Reasons
    {
        public const string SubscriptionKey = "subscription_key";
        public const string Jwt = "jwt";
        public const string RateLimit = "rate_limit";
        public const string Quota = "quota";
        public const string IpFilter = "ip_filter";
        public const string ClientCertificate = "client_certificate";
        public const string Other = "other";
    }

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    /// <summary><c>2xx</c> for 200..299 and so on; codes outside 100..599 count as <c>5xx</c> (a broken answer).</summary>
    public static string StatusClassOf(int statusCode) => statusCode is >= 100 and < 600 ? StatusClasses[(statusCode / 100) - 1] : "5xx";

    /// <summary>
    /// The rejection reason of a policy failure, or null when the failure is not a refusal of the client (a backend
    /// failure, an expression that could not be evaluated): rate-limit and quota by their reason, JWT policies, ip-filter
    /// and validate-client-certificate by the policy; any other 401, 403 or 429 is <c>other</c>.
    /// </summary>
    public static string? RejectionOf(string source, string reason, int statusCode) => reason switch
    {
        "RateLimitExceeded" => Reasons.RateLimit,
        "QuotaExceeded" => Reasons.Quota,
        _ => source switch
        {
            "validate-jwt" or "validate-azure-ad-token" => Reasons.Jwt,
            "ip-filter" => Reasons.IpFilter,
            "validate-client-certificate" => Reasons.ClientCertificate,
            _ => statusCode is 401 or 403 or 429 ? Reasons.Other : null,
        },
    };
}
