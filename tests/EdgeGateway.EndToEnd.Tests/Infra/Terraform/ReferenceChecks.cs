namespace EdgeGateway.EndToEnd.Tests.Infra.Terraform;

/// <summary>
/// What <c>terraform validate</c> would catch first, checked without providers: references to things that do not
/// exist (variables, locals, resources, data sources, module outputs) and module calls whose arguments are not the
/// module's variables. Each check returns one message per problem, naming the folder and where.
/// </summary>
internal static class ReferenceChecks
{
    // Module-call arguments that are Terraform's own, not the module's variables.
    private static readonly HashSet<string> MetaArguments = ["source", "version", "providers", "count", "for_each", "depends_on"];

    // Names that are not declared in a module: the current object, the iteration, the paths, the workspace.
    private static readonly HashSet<string> BuiltIns = ["each", "count", "self", "path", "terraform"];

    /// <summary>Every <c>var.X</c> used in a folder is declared in that folder.</summary>
    public static IEnumerable<string> UndeclaredVariables(TerraformTree tree) =>
        from folder in tree.Folders
        from reference in folder.References
        let parts = reference.Ref.Split('.')
        where parts[0] == "var" && parts.Length > 1 && !folder.Variables.ContainsKey(parts[1])
        select $"{folder.Name}: {reference.At} uses var.{parts[1]}, which is not declared in {folder.Name}";

    /// <summary>Every output's value refers only to things that exist.</summary>
    public static IEnumerable<string> UnresolvedOutputs(TerraformTree tree) =>
        Unresolved(tree, r => r.At.StartsWith("output.", StringComparison.Ordinal));

    /// <summary>Every reference anywhere refers to something that exists.</summary>
    public static IEnumerable<string> UnresolvedReferences(TerraformTree tree) => Unresolved(tree, _ => true);

    /// <summary>A module call passes only the module's variables, and every one it requires (no default).</summary>
    public static IEnumerable<string> ModuleArguments(TerraformTree tree)
    {
        foreach (var folder in tree.Folders)
        {
            foreach (var (name, call) in folder.Modules)
            {
                var target = Target(tree, folder, call);
                if (target is null)
                {
                    yield return $"{folder.Name}: module \"{name}\" has source {call.GetProperty("source")}, which is no Terraform folder under {tree.Root}";
                    continue;
                }

                var given = call.EnumerateObject().Select(a => a.Name).Where(a => !MetaArguments.Contains(a)).ToHashSet();
                foreach (var argument in given.Where(a => !target.Variables.ContainsKey(a)).Order())
                {
                    yield return $"{folder.Name}: module \"{name}\" is given {argument}, which is not a variable of {target.Name}";
                }

                foreach (var variable in target.Variables.Keys.Where(v => target.IsRequired(v) && !given.Contains(v)).Order())
                {
                    yield return $"{folder.Name}: module \"{name}\" does not give {variable}, which {target.Name} requires (no default)";
                }
            }

            foreach (var (file, assignments) in folder.TfvarsExamples)
            {
                foreach (var key in assignments.EnumerateObject().Select(a => a.Name).Where(k => !folder.Variables.ContainsKey(k)))
                {
                    yield return $"{folder.Name}/{file}: sets {key}, which is not a variable of {folder.Name}";
                }
            }
        }
    }

    private static IEnumerable<string> Unresolved(TerraformTree tree, Func<HclReference, bool> which) =>
        from folder in tree.Folders
        from reference in folder.References.Where(which)
        let problem = Resolve(tree, folder, reference.Ref)
        where problem is not null
        select $"{folder.Name}: {reference.At} refers to {reference.Ref}: {problem}";

    /// <summary>null when the reference names something that exists, else why not.</summary>
    private static string? Resolve(TerraformTree tree, TerraformFolder folder, string reference)
    {
        var parts = reference.Split('.');
        if (parts.Length < 2 || BuiltIns.Contains(parts[0]))
        {
            return null; // a bare name (a type keyword, an ignore_changes attribute) or a built-in object
        }

        switch (parts[0])
        {
            case "var":
                return folder.Variables.ContainsKey(parts[1]) ? null : $"no variable \"{parts[1]}\"";
            case "local":
                return folder.Locals.ContainsKey(parts[1]) ? null : $"no local \"{parts[1]}\"";
            case "data":
                return parts.Length >= 3 && folder.Data.ContainsKey(parts[1] + "." + parts[2]) ? null : "no such data source";
            case "module":
                if (!folder.Modules.TryGetValue(parts[1], out var call))
                {
                    return $"no module \"{parts[1]}\"";
                }

                var target = Target(tree, folder, call);
                if (target is null)
                {
                    return $"module \"{parts[1]}\" has no Terraform folder at its source";
                }

                return parts.Length < 3 || target.Outputs.ContainsKey(parts[2]) ? null : $"{target.Name} has no output \"{parts[2]}\"";
            default:
                return folder.Resources.ContainsKey(parts[0] + "." + parts[1]) ? null : "no such resource";
        }
    }

    private static TerraformFolder? Target(TerraformTree tree, TerraformFolder folder, System.Text.Json.JsonElement call) =>
        call.TryGetProperty("source", out var source) && source.GetString() is { } s && (s.StartsWith("./", StringComparison.Ordinal) || s.StartsWith("../", StringComparison.Ordinal))
            ? tree.FolderAt(Path.Combine(folder.Path, s))
            : null;
}
