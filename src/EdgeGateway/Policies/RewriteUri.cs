using System.Text;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's rewrite-uri: the path (and query) the backend gets after its base URL, from a template whose <c>{name}</c>
/// placeholders are the matched operation's parameters. Path parameters keep their bytes as the client wrote them; query
/// parameters and values put in the query are percent-encoded. With copyUnmatchedParams (default true, as APIM) the
/// request's query parameters the operation's template does not name follow, byte for byte (never the subscription key).
/// </summary>
/// <remarks>
/// Nothing a client sends can move the request out of what the template produces: a value that would put a dot segment
/// into the path (<c>..%2F</c>, a value of ".."), directly or once the backend decodes it, fails the request with 400.
/// </remarks>
internal sealed class RewriteUri(RewriteTemplate? template, PolicyValue? expression, bool copyUnmatched) : PolicyStep
{
    public const string Type = "rewrite-uri";

    public const string Refused = "The rewritten URL would leave the path the rewrite-uri template allows (a dot segment, or characters a URL cannot carry).";

    public static RewriteUri Create(PolicyAttributes a)
    {
        var value = a.RequiredValue("template");
        var copy = a.Bool("copyUnmatchedParams") ?? true;
        if (!value.IsConstant)
        {
            return new RewriteUri(null, value, copy);
        }

        return RewriteTemplate.TryParse(value.Evaluate(null!), out var template, out var error)
            ? new RewriteUri(template, null, copy)
            : throw new InvalidOperationException($"validated rewrite-uri template failed to parse: {error}");
    }

    public override PolicyResult Apply(PolicyRun run)
    {
        var parsed = template;
        if (parsed is null && !RewriteTemplate.TryParse(expression!.Evaluate(run), out parsed, out _))
        {
            return run.Fail(new(Type, "InvalidTemplate", Refused, StatusCodes.Status400BadRequest));
        }

        var path = new StringBuilder();
        foreach (var part in parsed!.Path)
        {
            if (!part.IsParameter)
            {
                path.Append(part.Text);
            }
            else if (TemplateParameters.PathValue(run, part.Text) is { } raw)
            {
                path.Append(raw);
            }
            else if (TemplateParameters.QueryValue(run, part.Text, out var found) is var value && found)
            {
                path.Append(Uri.EscapeDataString(value ?? ""));
            }
            else
            {
                return Unbound(run, part.Text);
            }
        }

        var rewritten = path.ToString();
        if (!StaysInPath(rewritten))
        {
            return run.Fail(new(Type, "InvalidPath", Refused, StatusCodes.Status400BadRequest));
        }

        var query = new StringBuilder();
        foreach (var part in parsed.Query)
        {
            if (!part.IsParameter)
            {
                query.Append(part.Text);
            }
            else if (TemplateParameters.PathValue(run, part.Text) is { } raw)
            {
                query.Append(Uri.EscapeDataString(Uri.UnescapeDataString(raw)));
            }
            else if (TemplateParameters.QueryValue(run, part.Text, out var found) is var value && found)
            {
                query.Append(Uri.EscapeDataString(value ?? ""));
            }
            else
            {
                return Unbound(run, part.Text);
            }
        }

        if (copyUnmatched)
        {
            TemplateParameters.AppendUnmatched(run, query);
        }

        run.RewrittenPath = rewritten;
        run.Http.Request.QueryString = query.Length == 0 ? QueryString.Empty : new QueryString("?" + query);
        return PolicyResult.Continue;
    }

    private static PolicyResult Unbound(PolicyRun run, string name) =>
        run.Fail(new(Type, "TemplateParameterNotFound",
            $"The rewrite-uri template names '{{{name}}}', which is not a parameter of the matched operation's URL template.",
            StatusCodes.Status500InternalServerError));

    /// <summary>
    /// No segment is a dot segment or holds a control character, as sent or once a backend decodes it (<c>%2F</c>, <c>%5C</c>
    /// and <c>\</c> splitting it further). Allocates only for the rewritten request's segments.
    /// </summary>
    private static bool StaysInPath(string path)
    {
        foreach (var range in path.AsSpan().Split('/'))
        {
            var segment = path.AsSpan()[range];
            if (RewriteTemplate.IsDotSegment(segment))
            {
                return false;
            }

            var decoded = segment.Contains('%') ? Uri.UnescapeDataString(segment.ToString()) : segment.ToString();
            foreach (var piece in decoded.Split('/', '\\'))
            {
                if (piece is "." or ".." || piece.Any(char.IsControl))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
