using EdgeGateway.Contracts.Net;

namespace EdgeGateway.Configuration;

/// <summary>
/// Reads <c>Gateway:TrustedProxies</c> once, at start: list items (<c>Gateway__TrustedProxies__0</c>, <c>__1</c>, ...) and,
/// for platforms where one variable is easier, a comma-separated value of the key itself. A bad entry stops the start.
/// </summary>
internal static class TrustedProxySetting
{
    public const string Key = "Gateway:TrustedProxies";

    public static IpRangeSet Parse(string[]? items, string? commaSeparated, List<string> errors)
    {
        var ranges = new List<IpRange>();
        void Add(string setting, string text)
        {
            if (IpText.ParseEntry(text, out var range) is { } error)
            {
                errors.Add($"{setting}: {error}");
            }
            else
            {
                ranges.Add(range);
            }
        }

        for (var i = 0; i < (items?.Length ?? 0); i++)
        {
            Add($"{Key}:{i}", items![i]);
        }

        foreach (var entry in (commaSeparated ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Add(Key, entry);
        }

        return IpRangeSet.Create(ranges);
    }
}
