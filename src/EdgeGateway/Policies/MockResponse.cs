using System.Collections.Frozen;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's mock-response: answers with the operation's example response for the status code (and content type, when
/// given), without calling the backend; with an empty body when the operation has no such example. In outbound and
/// onError the answer replaces the response. The answers are built per operation at load (a policy at API, product or
/// global scope serves many operations), so a request costs one lookup by (API, operation) and no parsing.
/// </summary>
internal sealed class MockResponse(FrozenDictionary<(string Api, string Operation), ReturnResponse> byOperation, ReturnResponse withoutExample) : PolicyStep
{
    public const string Type = "mock-response";

    public static MockResponse Create(PolicyAttributes a, GatewaySnapshot snapshot)
    {
        var status = a.Int("statusCode") ?? StatusCodes.Status200OK;
        var contentType = a.Text("contentType");
        var answers = new Dictionary<(string, string), ReturnResponse>();
        foreach (var api in snapshot.Apis ?? [])
        {
            foreach (var operation in api.Operations ?? [])
            {
                if (ResponseExample.Select(operation.Examples, status, contentType) is { } example)
                {
                    answers[(api.Id!, operation.Id!)] = Answer(status, contentType ?? example.ContentType, example.Body ?? string.Empty);
                }
            }
        }

        return new(answers.ToFrozenDictionary(), Answer(status, contentType, null));
    }

    public override PolicyResult Apply(PolicyRun run) =>
        run.ApiId is { } api && run.OperationId is { } operation && byOperation.TryGetValue((api, operation), out var answer)
            ? answer.Apply(run)
            : withoutExample.Apply(run);

    /// <summary>A return-response of literal parts: an example body is data, never read for named values or expressions.</summary>
    private static ReturnResponse Answer(int status, string? contentType, string? body) => new(
        status,
        null,
        contentType is null ? [] : [(PolicyExpressions.Literal("Content-Type"), [PolicyExpressions.Literal(contentType)])],
        body is null ? null : PolicyExpressions.Literal(body));
}
