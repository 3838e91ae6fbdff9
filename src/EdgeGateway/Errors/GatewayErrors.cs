using System.Text.Json;

namespace EdgeGateway.Errors;

/// <summary>Writes the small JSON error bodies clients of an API gateway expect.</summary>
internal static class GatewayErrors
{
    public const string NoApi = "Resource not found: no API matches this path.";
    public const string NoOperation = "Resource not found: no operation of this API matches the method and path.";
    public const string MissingKey = "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.";
    public const string InvalidKey = "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.";
    public const string NotReady = "The gateway has no configuration loaded yet.";
    public const string BackendTimeout = "The backend did not answer in time.";
    public const string BackendFailed = "The backend could not be reached or failed to answer.";
    public const string BackendUnavailable = "The backend is unavailable: its circuit breaker is open after repeated failures. Retry after the time Retry-After gives.";
    public const string BadBody = "The request body is malformed.";
    public const string BodyTimeout = "The request body did not arrive in time.";
    public const string BadHeaderName = "A request header name is not a valid HTTP token.";
    public const string UnsupportedTransferCoding = "Transfer-Encoding other than chunked is not supported.";

    public static Task WriteAsync(HttpContext context, int statusCode, string message)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(response.Body, new ErrorBody(statusCode, message), GatewayJsonContext.Default.ErrorBody, context.RequestAborted);
    }
}
