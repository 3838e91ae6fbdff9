using BenchmarkDotNet.Filters;
using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Bench;

/// <summary>
/// Leaves out the benchmarks of policies this build does not enforce yet (a gateway would refuse their snapshot), so the
/// project builds and runs while ip-filter and validate-jwt are being written; they join the run once enforced.
/// </summary>
internal static class EnforcedOnly
{
    public const string IpFilter = "ip-filter";
    public const string ValidateJwt = "validate-jwt";
    public const string RateLimitByKey = "rate-limit-by-key";

    private static readonly Dictionary<string, string> Needs = new(StringComparer.Ordinal)
    {
        [nameof(PipelineBenchmarks.KeySetHeaderIpFilter)] = IpFilter,
        [nameof(PipelineBenchmarks.ValidateJwt)] = ValidateJwt,
        [nameof(PipelineBenchmarks.KeyRateLimitSetHeader)] = RateLimitByKey,
    };

    public static IFilter Filter { get; } = new SimpleFilter(c => Missing(c.Descriptor.WorkloadMethod.Name) is null);

    public static bool IsEnforced(string type) => PolicyCatalog.IsEnforced(type);

    /// <summary>The benchmarks left out, with the policy type each is waiting for.</summary>
    public static IEnumerable<string> Skipped() =>
        Needs.Where(n => !IsEnforced(n.Value)).Select(n => $"{n.Key} (this build does not enforce {n.Value})");

    private static string? Missing(string method) =>
        Needs.TryGetValue(method, out var type) && !IsEnforced(type) ? type : null;
}
