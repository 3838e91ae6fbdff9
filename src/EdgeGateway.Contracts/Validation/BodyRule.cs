namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// The policies that change a body (set-body, find-and-replace): a literal <c>from</c> must find something (an empty one
/// would match between every character), and a literal body fits in what the gateway buffers (1 MiB).
/// </summary>
internal sealed class BodyRule : IPolicyRule
{
    public bool AppliesTo(string type) => type is "set-body" or "find-and-replace";

    public void Validate(PolicyItem item, ValidationContext context)
    {
        if (item.Shape.Type == "find-and-replace")
        {
            if (PolicyLiterals.Of(item, "from", context) is "")
            {
                context.Error($"{item.Path}.from", "must not be empty");
            }
        }
        else if (PolicyLiterals.Of(item, "value", context) is { } body && System.Text.Encoding.UTF8.GetByteCount(body) > Policies.BodyLimits.MaxBytes)
        {
            context.Error($"{item.Path}.value", "is larger than the 1 MiB a gateway sends as a body");
        }
    }
}
