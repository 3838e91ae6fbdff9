namespace ManagementPlane.Hosting;

/// <summary>An RFC 9457 problem body, with <c>errors</c> listing every JSON-path problem where there are several.</summary>
internal sealed class ApiProblem
{
    public string Type { get; init; } = "about:blank";

    public string? Title { get; init; }

    public int Status { get; init; }

    public string? Detail { get; init; }

    public string? Instance { get; init; }

    public IReadOnlyList<ProblemError>? Errors { get; init; }
}

/// <summary>One problem: its JSON path and, for a policy document sent as XML, its line and column there.</summary>
internal sealed record ProblemError(string Path, string Message, int? Line = null, int? Column = null);
