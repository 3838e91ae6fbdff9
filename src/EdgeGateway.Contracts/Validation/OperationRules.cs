using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>An API's <c>operations</c>: ids, an upper-case method, a URL template, no two matching the same requests; then each one's policies.</summary>
internal static class OperationRules
{
    public static void Validate(string apiPath, IReadOnlyList<OperationDefinition> operations, ValidationContext context)
    {
        var ids = ValidationContext.NewIdSet();
        var shapes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < operations.Count; k++)
        {
            var path = $"{apiPath}.operations[{k}]";
            var op = operations[k];
            if (op is null)
            {
                context.Error(path, "must be an object");
                continue;
            }

            context.Id(path, op.Id, ids, "operation");
            var method = op.Method;
            if (method is null)
            {
                context.Error($"{path}.method", "required");
            }
            else if (!OperationMethods.All.Contains(method, StringComparer.Ordinal))
            {
                context.Error($"{path}.method", $"'{method}' is not one of {string.Join(", ", OperationMethods.All)} (upper case)");
            }

            if (op.UrlTemplate is null)
            {
                context.Error($"{path}.urlTemplate", "required");
            }
            else if (!UrlTemplate.TryParse(op.UrlTemplate, out var template, out var templateError))
            {
                context.Error($"{path}.urlTemplate", templateError!);
            }
            else if (method is not null)
            {
                var shape = method + " " + template!.ShapeKey;
                if (!shapes.TryAdd(shape, k))
                {
                    context.Error($"{path}.urlTemplate", $"matches the same requests as {apiPath}.operations[{shapes[shape]}]");
                }
            }

            ResponseExampleRules.Validate($"{path}.examples", op.Examples, context);
            context.Policies.Validate($"{path}.policies", op.Policies, PolicyScope.Operation, context);
        }
    }
}
