using System.Text.Json;
using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>set-header</c> and <c>return-response</c>'s headers may not name a header the gateway manages
/// (<see cref="ManagedHeaders"/>): checked on the name as it will be sent, after named values are substituted. A name from
/// an expression is known only per request; the gateway checks it then.
/// </summary>
internal sealed class HeaderNameRule : IPolicyRule
{
    public bool AppliesTo(string type) => type is "set-header" or "return-response";

    public void Validate(PolicyItem item, ValidationContext context)
    {
        if (item.Policy.Type == "set-header")
        {
            Check($"{item.Path}.name", PolicyLiterals.Of(item, "name", context), context);
            return;
        }

        foreach (var (path, header) in PolicyLiterals.Items(item, "headers"))
        {
            if (header.ValueKind == JsonValueKind.Object && header.TryGetProperty("name", out var name))
            {
                Check($"{path}.name", PolicyLiterals.Of(item, name, context), context);
            }
        }
    }

    private static void Check(string path, string? name, ValidationContext context)
    {
        if (name is not null && ManagedHeaders.Contains(name.Trim()))
        {
            context.Error(path, $"'{name}' is managed by the gateway (message framing and connection headers cannot be set by a policy)");
        }
    }
}
