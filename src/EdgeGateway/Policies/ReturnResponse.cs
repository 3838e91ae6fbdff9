using System.Text;
using EdgeGateway.Contracts.Policies.Expressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's return-response: ends the pipeline and answers with this status, headers and body; the backend is not called
/// (in inbound), outbound does not run, and in outbound the backend's response is replaced.
/// </summary>
internal sealed class ReturnResponse(int status, PolicyValue? reason, (PolicyValue Name, PolicyValue[] Values)[] headers, PolicyValue? body) : PolicyStep
{
    public const string Type = "return-response";

    public static ReturnResponse Create(PolicyAttributes a) => new(
        a.Int("statusCode") ?? StatusCodes.Status200OK,
        a.Value("reason"),
        [.. a.Objects("headers").Select(h => (h.RequiredValue("name"), h.ValueOrValues()))],
        a.Value("body"));

    /// <summary>Status and headers are set here, synchronously; the body is written by <see cref="WriteBodyAsync"/>.</summary>
    public override PolicyResult Apply(PolicyRun run)
    {
        var response = run.Http.Response;
        response.Clear();
        response.StatusCode = status;
        foreach (var (name, values) in headers)
        {
            var headerName = name.Evaluate(run);
            if (!HeaderValues.IsSettableName(name, headerName))
            {
                response.Clear();
                return run.Fail(new(Type, "InvalidHeaderName", HeaderValues.IsName(headerName) ? HeaderValues.Managed : HeaderValues.Refused,
                    StatusCodes.Status400BadRequest));
            }

            if (!PolicyValues.TryEvaluateHeaderValues(values, run, out var evaluated))
            {
                response.Clear();
                return run.Fail(new(Type, "InvalidHeaderValue", HeaderValues.Refused, StatusCodes.Status400BadRequest));
            }

            response.Headers[headerName] = StringValues.Concat(response.Headers[headerName], evaluated);
        }

        if (reason is not null && run.Http.Features.Get<IHttpResponseFeature>() is { } feature)
        {
            var phrase = reason.Evaluate(run);
            feature.ReasonPhrase = HeaderValues.IsSafe(phrase) ? phrase : null;
        }

        run.Answer = this;
        return PolicyResult.Responded;
    }

    public Task WriteBodyAsync(PolicyRun run)
    {
        var response = run.Http.Response;
        if (response.StatusCode is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            return Task.CompletedTask; // these answers have no body (RFC 9110 §15.3.5, §15.4.5): none is written, whatever body says
        }

        if (body is null)
        {
            response.ContentLength = 0;
            return Task.CompletedTask;
        }

        var text = body.Evaluate(run);
        response.ContentLength = Encoding.UTF8.GetByteCount(text);
        return HttpMethods.IsHead(run.Http.Request.Method) ? Task.CompletedTask : response.WriteAsync(text, run.Http.RequestAborted);
    }
}
