using EdgeGateway.Contracts.Policies;

namespace EdgeGateway.Contracts.Validation;

/// <summary><c>base</c> runs the outer scope's policies: it needs an outer scope, and appears at most once per section.</summary>
internal sealed class BasePolicyRule : IPolicyRule
{
    public bool AppliesTo(string type) => type == PolicyCatalog.Base;

    public void Validate(PolicyItem item, ValidationContext context)
    {
        if (item.Scope == PolicyScope.Global)
        {
            context.Error(item.Path, "'base' has no outer scope to run at global scope");
            return;
        }

        for (var i = 0; i < item.Index; i++)
        {
            if (item.Siblings[i]?.Type == PolicyCatalog.Base)
            {
                context.Error(item.Path, "'base' may appear only once per section");
                return;
            }
        }
    }
}
