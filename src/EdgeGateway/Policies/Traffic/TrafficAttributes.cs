namespace EdgeGateway.Policies.Traffic;

/// <summary>Reading the traffic policies' attributes at load.</summary>
internal static class TrafficAttributes
{
    /// <summary>
    /// False when one of <paramref name="names"/> references a secret named value the management plane withheld: the
    /// policy cannot be compiled here, and every request through it fails as any unevaluable policy does.
    /// </summary>
    public static bool Known(PolicyAttributes a, params string[] names)
    {
        foreach (var name in names)
        {
            if (a.Value(name) is { IsKnown: false })
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An attribute the policy reads once, at load (a header name): its text after named values, or null when absent.</summary>
    public static string? Literal(PolicyAttributes a, string name) => a.Value(name) is { } value ? IpFilter.Literal(value) : null;
}
