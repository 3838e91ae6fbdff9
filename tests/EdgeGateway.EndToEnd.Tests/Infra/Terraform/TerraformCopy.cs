namespace EdgeGateway.EndToEnd.Tests.Infra.Terraform;

/// <summary>A scratch copy of infra/terraform that a test may break (without .terraform folders).</summary>
internal static class TerraformCopy
{
    public static string Create()
    {
        var target = Directory.CreateTempSubdirectory("eg-terraform-").FullName;
        foreach (var file in Directory.EnumerateFiles(TerraformTree.RepositoryRoot, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(TerraformTree.RepositoryRoot, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(s => s == ".terraform"))
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    /// <summary>Replaces exactly one occurrence of <paramref name="from"/> in the copy's file.</summary>
    public static void Replace(string copy, string file, string from, string to)
    {
        var path = Path.Combine(copy, file);
        var text = File.ReadAllText(path);
        var at = text.IndexOf(from, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(from, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"{file}: the text to break must occur exactly once: {from}");
        }

        File.WriteAllText(path, text[..at] + to + text[(at + from.Length)..]);
    }
}
