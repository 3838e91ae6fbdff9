using System.Collections.Frozen;
using System.Text.Json;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>set-header</c> may not name a header that frames the message or belongs to one connection (<c>Content-Length</c>,
/// <c>Transfer-Encoding</c>, <c>Connection</c>, ...): a policy setting one could make the gateway and the backend (or the
/// client) disagree on where a message ends, which is how requests are smuggled. The gateway manages those itself.
/// </summary>
internal sealed class HeaderNameRule : IPolicyRule
{
    private static readonly FrozenSet<string> Managed = new[]
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer",
        "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public bool AppliesTo(string type) => type == "set-header";

    public void Validate(PolicyItem item, ValidationContext context)
    {
        if (item.Policy.Attributes?.TryGetValue("name", out var name) == true && name.ValueKind == JsonValueKind.String
            && Managed.Contains(name.GetString()!.Trim()))
        {
            context.Error($"{item.Path}.name", $"'{name.GetString()}' is managed by the gateway (message framing and connection headers cannot be set by a policy)");
        }
    }
}
