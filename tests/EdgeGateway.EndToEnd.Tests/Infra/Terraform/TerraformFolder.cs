using System.Text.Json;

namespace EdgeGateway.EndToEnd.Tests.Infra.Terraform;

/// <summary>
/// One Terraform module (a folder of .tf files) with its blocks merged across files, as Terraform sees it:
/// variables, locals, outputs, module calls, resources and data sources by address, every reference, and the
/// *.tfvars.example files beside it.
/// </summary>
internal sealed class TerraformFolder
{
    private TerraformFolder(string path, string name)
    {
        Path = path;
        Name = name;
    }

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>Relative to infra/terraform, e.g. <c>modules/edgegateway</c>; used in messages.</summary>
    public string Name { get; }

    public Dictionary<string, JsonElement> Variables { get; } = [];

    public Dictionary<string, JsonElement> Locals { get; } = [];

    public Dictionary<string, JsonElement> Outputs { get; } = [];

    public Dictionary<string, JsonElement> Modules { get; } = [];

    /// <summary>By address, <c>aws_s3_bucket.backups</c>.</summary>
    public Dictionary<string, JsonElement> Resources { get; } = [];

    /// <summary>By address without the <c>data.</c>, <c>aws_iam_policy_document.gateway_backups</c>.</summary>
    public Dictionary<string, JsonElement> Data { get; } = [];

    public List<HclReference> References { get; } = [];

    /// <summary>The *.tfvars.example files: file name to its assignments.</summary>
    public Dictionary<string, JsonElement> TfvarsExamples { get; } = [];

    public IEnumerable<KeyValuePair<string, JsonElement>> ResourcesOfType(string type) =>
        Resources.Where(r => r.Key.StartsWith(type + ".", StringComparison.Ordinal));

    public bool IsRequired(string variable) => !Variables[variable].TryGetProperty("default", out _);

    public bool IsSensitive(string variable) =>
        Variables.TryGetValue(variable, out var v) && v.TryGetProperty("sensitive", out var s) && s.ValueKind == JsonValueKind.True;

    public static TerraformFolder From(string path, string name, IEnumerable<HclFile> files)
    {
        var folder = new TerraformFolder(path, name);
        foreach (var file in files)
        {
            if (file.Path.EndsWith(".tfvars.example", StringComparison.Ordinal))
            {
                folder.TfvarsExamples[System.IO.Path.GetFileName(file.Path)] = file.Body;
                continue;
            }

            folder.References.AddRange(file.References);
            foreach (var block in file.Body.EnumerateObject())
            {
                switch (block.Name)
                {
                    case "variable": AddLabelled(folder.Variables, block.Value); break;
                    case "output": AddLabelled(folder.Outputs, block.Value); break;
                    case "module": AddLabelled(folder.Modules, block.Value); break;
                    case "resource": AddTyped(folder.Resources, block.Value); break;
                    case "data": AddTyped(folder.Data, block.Value); break;
                    case "locals":
                        foreach (var locals in block.Value.EnumerateArray())
                        {
                            foreach (var local in locals.EnumerateObject())
                            {
                                folder.Locals[local.Name] = local.Value;
                            }
                        }

                        break;
                }
            }
        }

        return folder;
    }

    // hcl2json gives a labelled block as { "label": [ { body } ] }.
    private static void AddLabelled(Dictionary<string, JsonElement> into, JsonElement blocks)
    {
        foreach (var block in blocks.EnumerateObject())
        {
            into[block.Name] = block.Value[0];
        }
    }

    private static void AddTyped(Dictionary<string, JsonElement> into, JsonElement types)
    {
        foreach (var type in types.EnumerateObject())
        {
            foreach (var block in type.Value.EnumerateObject())
            {
                into[type.Name + "." + block.Name] = block.Value[0];
            }
        }
    }
}
