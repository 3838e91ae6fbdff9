using System.Text.Json;

namespace EdgeGateway.EndToEnd.Tests.Infra.Terraform;

/// <summary>
/// A container of an <c>aws_ecs_task_definition</c>, read from the literal object its <c>container_definitions</c>
/// encodes (<c>jsonencode([local.X])</c>): its environment and its secrets, name by name.
/// </summary>
internal sealed record ContainerDefinition(
    string TaskDefinition,
    JsonElement TaskDefinitionBody,
    string Name,
    JsonElement Body,
    IReadOnlyList<(string Name, string Value)> Environment,
    IReadOnlyList<(string Name, string ValueFrom)> Secrets)
{
    /// <summary>The containers of every task definition of the folder, or the reasons they cannot be read.</summary>
    public static (IReadOnlyList<ContainerDefinition> Containers, IReadOnlyList<string> Problems) All(TerraformFolder folder)
    {
        var containers = new List<ContainerDefinition>();
        var problems = new List<string>();
        foreach (var (address, body) in folder.ResourcesOfType("aws_ecs_task_definition"))
        {
            var at = $"resource.{address}[0].container_definitions";
            var locals = folder.References.Where(r => r.At == at && r.Ref.StartsWith("local.", StringComparison.Ordinal))
                .Select(r => r.Ref.Split('.')[1]).Distinct().ToList();
            if (locals.Count == 0)
            {
                problems.Add($"{folder.Name}: {address}.container_definitions must be jsonencode([local.X]) of literal objects, so that its settings can be checked");
            }

            foreach (var local in locals)
            {
                if (!folder.Locals.TryGetValue(local, out var container) || container.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{folder.Name}: {address}: local.{local} is not a literal object");
                    continue;
                }

                var environment = Pairs(container, "environment", "value", problems, $"{folder.Name}: {address}: local.{local}.environment");
                var secrets = Pairs(container, "secrets", "valueFrom", problems, $"{folder.Name}: {address}: local.{local}.secrets");
                var name = container.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                containers.Add(new ContainerDefinition(address, body, name, container, environment, secrets));
            }
        }

        return (containers, problems);
    }

    /// <summary>The task definition's attribute as the address it references, e.g. <c>aws_iam_role.gateway_task</c>.</summary>
    public string? Referenced(string attribute) =>
        TaskDefinitionBody.TryGetProperty(attribute, out var value) ? TerraformExpression.Address(value.GetString()) : null;

    private static List<(string, string)> Pairs(JsonElement container, string list, string valueKey, List<string> problems, string where)
    {
        var pairs = new List<(string, string)>();
        if (!container.TryGetProperty(list, out var items))
        {
            return pairs;
        }

        if (items.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{where} must be a literal list of {{ name = \"...\", {valueKey} = ... }}, so that every name can be checked");
            return pairs;
        }

        foreach (var item in items.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var n) ? n.GetString() : null;
            if (name is null || name.Contains("${", StringComparison.Ordinal))
            {
                problems.Add($"{where}: every entry needs a literal name ({item})");
                continue;
            }

            pairs.Add((name, item.TryGetProperty(valueKey, out var v) ? v.ToString() : ""));
        }

        return pairs;
    }
}
