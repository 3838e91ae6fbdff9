using EdgeGateway.Contracts.Net;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's ip-filter: <c>allow</c> lets only listed clients through, <c>forbid</c> stops listed ones. Addresses, CIDR
/// ranges and from/to ranges are compiled at load into one <see cref="IpRangeSet"/>; a request costs one lookup of the
/// client address (<see cref="PolicyRun.ClientAddress"/>: the socket, or a trusted proxy's X-Forwarded-For).
/// A refusal is an error (onError runs, LastError Source ip-filter, Reason CallerIpNotAllowed); the client gets 403.
/// A request whose client address is unknown is refused by both actions.
/// </summary>
internal sealed class IpFilter(bool allow, IpRangeSet listed) : PolicyStep
{
    public const string Type = "ip-filter";

    private const string UnknownCaller = "Caller IP address is unknown. Access denied.";

    public static PolicyStep Create(PolicyAttributes a)
    {
        var ranges = new List<IpRange>();
        foreach (var value in a.Values("addresses"))
        {
            if (Literal(value) is not { } text)
            {
                return Unevaluable.Instance;
            }

            ranges.Add(IpText.ParseEntry(text, out var range) is null ? range : throw new InvalidOperationException($"validated ip-filter address '{value.Text}' failed to parse"));
        }

        foreach (var item in a.Objects("addressRanges"))
        {
            if (Literal(item.RequiredValue("from")) is not { } from || Literal(item.RequiredValue("to")) is not { } to)
            {
                return Unevaluable.Instance;
            }

            ranges.Add(IpText.ParseRange(from, to, out var range, out _) is null ? range : throw new InvalidOperationException("validated ip-filter range failed to parse"));
        }

        return new IpFilter(a.Text("action") == "allow", IpRangeSet.Create(ranges));
    }

    public override PolicyResult Apply(PolicyRun run)
    {
        // An unknown client (no socket peer, e.g. a Unix-socket listener) is refused by either action: a forbid list
        // cannot clear a caller it cannot see.
        var client = run.ClientAddress;
        return client is not null && listed.Contains(client) == allow
            ? PolicyResult.Continue
            : run.Fail(new(Type, "CallerIpNotAllowed", client is null ? UnknownCaller : $"Caller IP address {run.ClientIp} is not allowed. Access denied.",
                StatusCodes.Status403Forbidden));
    }

    /// <summary>The text after named values; null when a secret named value was withheld from this gateway.</summary>
    internal static string? Literal(PolicyValue value) =>
        !value.IsKnown ? null : value.IsConstant ? value.Evaluate(null!) : throw new InvalidOperationException($"validated literal '{value.Text}' is an expression");
}

/// <summary>
/// A policy whose load-time value references a secret named value the management plane withheld: it cannot be
/// compiled here, so every request through it fails as any unevaluable policy does (onError, 500, the text never shown).
/// </summary>
internal sealed class Unevaluable : PolicyStep
{
    public static readonly Unevaluable Instance = new();

    public override PolicyResult Apply(PolicyRun run) => throw new InvalidOperationException("a withheld named value");
}
