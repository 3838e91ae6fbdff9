using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// A <c>policies</c> object at any scope: each entry must name a known type allowed in its section; then the
/// <see cref="IPolicyRule"/>s that apply to its type run, and a policy this build cannot enforce is listed as such.
/// </summary>
internal sealed class PolicyRules(IReadOnlyList<IPolicyRule> rules)
{
    /// <summary>
    /// What both planes run: where <c>base</c> may stand, the catalog's attribute shapes for every type, then the named
    /// values and expressions in attribute values.
    /// </summary>
    public static PolicyRules Default { get; } = new([new BasePolicyRule(), new PolicyAttributeRule(), new PolicyValueRule(), new HeaderNameRule(),
        new JwtRules(), new IpFilterRules(), new CorsRules(), new ChooseRule(), new MockResponseRule(), new RequestLineRule(), new BodyRule(), new StatusCodeRule(),
        new CacheRules(),
        new ResilienceRules(),
        new TrafficRules(),
        new IdentityRules(),
        new AuthenticationCertificateRules(),
        new ClientCertificateRules(),
        new SendRequestRules(),
        new CacheValueRules()]);

    public void Validate(string path, PolicySet? set, PolicyScope scope, ValidationContext context)
    {
        if (set is null)
        {
            return;
        }

        Section($"{path}.inbound", set.Inbound, Sections.Inbound, scope, context);
        Section($"{path}.backend", set.Backend, Sections.Backend, scope, context);
        Section($"{path}.outbound", set.Outbound, Sections.Outbound, scope, context);
        Section($"{path}.onError", set.OnError, Sections.OnError, scope, context);
    }

    /// <summary>One section's list; <paramref name="nested"/>: a list inside a policy (choose), where <c>base</c> may not stand.</summary>
    internal void Section(string path, IReadOnlyList<PolicyDefinition>? policies, Sections section, PolicyScope scope, ValidationContext context,
        bool nested = false)
    {
        if (policies is null)
        {
            return;
        }

        for (var i = 0; i < policies.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            var policy = policies[i];
            if (policy is null)
            {
                context.Error(itemPath, "must be an object");
                continue;
            }

            if (string.IsNullOrEmpty(policy.Type))
            {
                context.Error($"{itemPath}.type", "required (the APIM policy name, like \"rate-limit-by-key\")");
                continue;
            }

            if (!PolicyCatalog.TryGet(policy.Type, out var shape))
            {
                context.Error($"{itemPath}.type", $"unknown policy type '{policy.Type}'");
                continue;
            }

            if ((shape.AllowedIn & section) == 0)
            {
                context.Error($"{itemPath}.type", $"'{policy.Type}' is not allowed in this section");
                continue;
            }

            if (nested && shape.Type == PolicyCatalog.Base)
            {
                context.Error($"{itemPath}.type", "'base' is not allowed inside choose: it runs the outer scope's policies where the scope's own list places it");
                continue;
            }

            var item = new PolicyItem(itemPath, policy, shape, scope, section, policies, i);
            foreach (var rule in rules)
            {
                if (rule.AppliesTo(shape.Type))
                {
                    rule.Validate(item, context);
                }
            }
        }
    }
}
