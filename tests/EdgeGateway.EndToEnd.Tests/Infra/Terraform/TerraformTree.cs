namespace EdgeGateway.EndToEnd.Tests.Infra.Terraform;

/// <summary>Every Terraform folder under a root (infra/terraform, or a changed copy of it), parsed.</summary>
internal sealed class TerraformTree
{
    private TerraformTree(string root, IReadOnlyList<TerraformFolder> folders, IReadOnlyList<string> errors, int fileCount, IReadOnlyList<string> unformatted)
    {
        Unformatted = unformatted;
        Root = root;
        Folders = folders;
        SyntaxErrors = errors;
        FileCount = fileCount;
    }

    public static string RepositoryRoot { get; } = Path.Combine(Infrastructure.GatewayBinary.RepoRoot, "infra", "terraform");

    private static readonly Lazy<Task<TerraformTree>> Repository = new(() => LoadAsync(RepositoryRoot));

    public string Root { get; }

    public IReadOnlyList<TerraformFolder> Folders { get; }

    /// <summary>"FILE:LINE,COL: message" for every file that did not parse.</summary>
    public IReadOnlyList<string> SyntaxErrors { get; }

    public int FileCount { get; }

    /// <summary>Files that <c>terraform fmt</c> would change.</summary>
    public IReadOnlyList<string> Unformatted { get; }

    public TerraformFolder Module => Folder("modules/edgegateway");

    public TerraformFolder Example => Folder("examples/fargate");

    /// <summary>The repository's infra/terraform, parsed once per test run.</summary>
    public static Task<TerraformTree> LoadRepositoryAsync() => Repository.Value;

    public static async Task<TerraformTree> LoadAsync(string root)
    {
        var paths = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".tf", StringComparison.Ordinal) || p.EndsWith(".tfvars.example", StringComparison.Ordinal))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}.terraform{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(Display)
            .ToList();
        var (files, errors) = await HclParser.ParseAsync(paths);
        var folders = files
            .GroupBy(f => Path.GetFullPath(Path.GetDirectoryName(Path.Combine(RepoRoot, f.Path))!))
            .Select(g => TerraformFolder.From(g.Key, Path.GetRelativePath(root, g.Key).Replace('\\', '/'), g))
            .ToList();
        return new TerraformTree(root, folders, errors, paths.Count, [.. files.Where(f => !f.Formatted).Select(f => f.Path)]);
    }

    private static string RepoRoot => Infrastructure.GatewayBinary.RepoRoot;

    // Paths in the repository are shown relative to its root (as a user would name them); a temporary copy's in full.
    private static string Display(string path)
    {
        var relative = Path.GetRelativePath(RepoRoot, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    public TerraformFolder Folder(string name) =>
        Folders.SingleOrDefault(f => f.Name == name) ?? throw new InvalidOperationException($"no Terraform files in {Path.Combine(Root, name)}");

    public TerraformFolder? FolderAt(string absolutePath) =>
        Folders.SingleOrDefault(f => f.Path == Path.GetFullPath(absolutePath));
}
