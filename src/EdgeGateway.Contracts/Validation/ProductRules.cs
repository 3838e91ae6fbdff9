using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary><c>products</c>: ids, a known state, existing APIs listed once each; then each product's policies.</summary>
internal static class ProductRules
{
    public static void Validate(IReadOnlyList<ProductDefinition> products, ValidationContext context)
    {
        var ids = ValidationContext.NewIdSet();
        for (var i = 0; i < products.Count; i++)
        {
            var path = $"products[{i}]";
            var product = products[i];
            if (product is null)
            {
                context.Error(path, "must be an object");
                continue;
            }

            context.Id(path, product.Id, ids, "product");
            context.OneOf($"{path}.state", product.State, ProductStates.All);
            Apis(path, product.Apis ?? [], context);
            context.Policies.Validate($"{path}.policies", product.Policies, PolicyScope.Product, context);
        }
    }

    private static void Apis(string path, IReadOnlyList<string> apis, ValidationContext context)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var j = 0; j < apis.Count; j++)
        {
            if (apis[j] is null || !context.ApiIds.Contains(apis[j]))
            {
                context.Error($"{path}.apis[{j}]", $"no API with id '{apis[j]}'");
            }
            else if (!seen.Add(apis[j]))
            {
                context.Error($"{path}.apis[{j}]", $"API '{apis[j]}' is listed twice");
            }
        }
    }
}
