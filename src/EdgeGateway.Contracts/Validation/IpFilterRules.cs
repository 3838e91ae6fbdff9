using System.Text.Json;
using EdgeGateway.Contracts.Net;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>ip-filter</c>: at least one address or range (as APIM); each address a single address or CIDR range of either
/// family; each range APIM's <c>{ "from", "to" }</c>, one family, from not above to. The gateway compiles exactly what
/// passes here into its matcher.
/// </summary>
internal sealed class IpFilterRules : IPolicyRule
{
    public bool AppliesTo(string type) => type == "ip-filter";

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var addresses = PolicyLiterals.Items(item, "addresses").ToList();
        var ranges = PolicyLiterals.Items(item, "addressRanges").ToList();
        if (addresses.Count == 0 && ranges.Count == 0)
        {
            context.Error(item.Path, "'ip-filter' needs at least one entry in addresses or addressRanges (as APIM)");
        }

        foreach (var (path, value) in addresses)
        {
            if (PolicyLiterals.Read(item, path, value, context) is { } text && IpText.ParseEntry(text, out _) is { } error)
            {
                context.Error(path, error);
            }
        }

        foreach (var (path, value) in ranges)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                continue; // PolicyAttributeRule reports it
            }

            string? from = null, to = null;
            foreach (var property in value.EnumerateObject())
            {
                var at = $"{path}.{property.Name}";
                if (property.Name is not ("from" or "to"))
                {
                    context.Error(at, "unknown attribute for an address range (from and to only)");
                }
                else if (property.Value.ValueKind != JsonValueKind.String)
                {
                    context.Error(at, "expected a string");
                }
                else if (property.Name == "from")
                {
                    from = PolicyLiterals.Read(item, at, property.Value, context);
                }
                else
                {
                    to = PolicyLiterals.Read(item, at, property.Value, context);
                }
            }

            foreach (var missing in new[] { "from", "to" }.Where(n => !value.TryGetProperty(n, out _)))
            {
                context.Error($"{path}.{missing}", "required by an address range");
            }

            if (from is not null && to is not null && IpText.ParseRange(from, to, out _, out var toIsBad) is { } error)
            {
                context.Error($"{path}.{(toIsBad ? "to" : "from")}", error);
            }
        }
    }
}
