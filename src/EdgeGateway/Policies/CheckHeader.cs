using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's check-header: the request must carry the header, and one of the allowed values when any are listed.
/// A failure is an error (onError runs, <c>context.LastError.Source</c> is check-header, Reason HeaderNotFound or
/// HeaderValueNotAllowed); unless onError answers, the client gets the configured code and message.
/// </summary>
internal sealed class CheckHeader(PolicyValue name, int failedCode, PolicyValue failedMessage, bool ignoreCase, PolicyValue[] allowed) : PolicyStep
{
    public const string Type = "check-header";

    public static CheckHeader Create(PolicyAttributes a) => new(
        a.RequiredValue("name"),
        a.Int("failedCheckHttpCode") ?? throw new InvalidOperationException("validated check-header lacks failedCheckHttpCode"),
        a.RequiredValue("failedCheckErrorMessage"),
        a.Bool("ignoreCase") ?? false,
        a.Values("values"));

    public override PolicyResult Apply(PolicyRun run)
    {
        var present = run.Http.Request.Headers[name.Evaluate(run)];
        if (present.Count == 0)
        {
            return run.Fail(new(Type, "HeaderNotFound", failedMessage.Evaluate(run), failedCode));
        }

        if (allowed.Length == 0)
        {
            return PolicyResult.Continue;
        }

        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (var value in present)
        {
            foreach (var candidate in allowed)
            {
                if (Matches(value?.Trim(), candidate.Evaluate(run), comparison))
                {
                    return PolicyResult.Continue;
                }
            }
        }

        return run.Fail(new(Type, "HeaderValueNotAllowed", failedMessage.Evaluate(run), failedCode));
    }

    /// <summary>
    /// Case-sensitive comparisons take the same time wherever the values differ: an allowed value is often a secret named
    /// value (a shared key the caller must present), which a comparison that stops at the first difference would leak a
    /// character at a time. Only the length can be learnt. Case-insensitive ones are ordinary comparisons (documented).
    /// </summary>
    internal static bool Matches(string? presented, string allowed, StringComparison comparison) =>
        presented is not null && (comparison == StringComparison.Ordinal
            ? System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(presented.AsSpan()),
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(allowed.AsSpan()))
            : string.Equals(presented, allowed, comparison));
}
