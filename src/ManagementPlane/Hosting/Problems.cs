using EdgeGateway.Contracts.Validation;
using ManagementPlane.State;

namespace ManagementPlane.Hosting;

/// <summary>Every error answer of the management API, as <c>application/problem+json</c>.</summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static IResult Create(int status, string title, string? detail = null, IEnumerable<ProblemError>? errors = null) =>
        new ProblemResult(new ApiProblem
        {
            Type = TypeFor(status),
            Title = title,
            Status = status,
            Detail = detail,
            Errors = errors?.ToList(),
        });

    public static IResult BadRequest(string detail, IEnumerable<ProblemError>? errors = null) => Create(StatusCodes.Status400BadRequest, "Bad Request", detail, errors);

    public static IResult Invalid(IEnumerable<ConfigError> errors, string detail = "the configuration is invalid; see errors", int status = StatusCodes.Status400BadRequest) =>
        Create(status, status == StatusCodes.Status409Conflict ? "Conflict" : "Bad Request", detail, errors.Select(e => new ProblemError(e.Path, e.Message)));

    public static IResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not Found", detail);

    public static IResult Conflict(string detail) => Create(StatusCodes.Status409Conflict, "Conflict", detail);

    public static IResult PreconditionFailed(string detail) => Create(StatusCodes.Status412PreconditionFailed, "Precondition Failed", detail);

    public static IResult Unauthorized(string detail, string scheme) => new ChallengeProblem(Create(StatusCodes.Status401Unauthorized, "Unauthorized", detail), scheme);

    /// <summary>The one mapping from a refused write (the store's <see cref="StateError"/>) to its answer.</summary>
    public static IResult For(StateError error) => error.Kind switch
    {
        StateErrorKind.Invalid => Create(StatusCodes.Status400BadRequest, "Bad Request", error.Message, ToProblems(error.Errors)),
        StateErrorKind.NotFound => NotFound(error.Message),
        StateErrorKind.Conflict => Create(StatusCodes.Status409Conflict, "Conflict", error.Message, ToProblems(error.Errors)),
        StateErrorKind.PreconditionFailed => PreconditionFailed(error.Message),
        StateErrorKind.TooManyWriters => Create(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", error.Message),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error.Kind, "unknown state error"),
    };

    public static IResult InvalidId(string what, string id) =>
        BadRequest($"'{Truncate(id)}' is not a valid {what} id (letters, digits, '-', '_', '.'; starting with a letter or digit; up to 80 characters)");

    /// <summary>The same RFC 9110 section links ASP.NET Core uses for its own problems, so every problem looks alike.</summary>
    private static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        412 => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "about:blank",
    };

    private static IEnumerable<ProblemError>? ToProblems(IReadOnlyList<ConfigError>? errors) => errors?.Select(e => new ProblemError(e.Path, e.Message));

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..100] + "…";

    private sealed class ProblemResult(ApiProblem problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = problem.Status;
            var body = new ApiProblem
            {
                Type = problem.Type,
                Title = problem.Title,
                Status = problem.Status,
                Detail = problem.Detail,
                Errors = problem.Errors,
                Instance = httpContext.Request.Path,
            };
            return httpContext.Response.WriteAsJsonAsync(body, ApiJsonContext.Api.ApiProblem, ContentType, httpContext.RequestAborted);
        }
    }

    private sealed class ChallengeProblem(IResult inner, string scheme) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = scheme;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
