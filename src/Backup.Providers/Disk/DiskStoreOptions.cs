namespace Backup.Providers.Disk;

/// <summary>Local-disk store settings (<c>Backup:Disk:*</c>, <c>Management:Store:Disk:*</c>).</summary>
public sealed class DiskStoreOptions
{
    /// <summary>The folder that holds the objects; created if missing. Keys map to sub-folders.</summary>
    public string? Path { get; set; }

    /// <summary>How long a write waits for the store's lock file before it fails.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate(string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add($"{path}:Path is required (the folder that holds the objects).");
        }

        if (LockTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{path}:LockTimeout must be a positive duration, e.g. 00:00:10.");
        }
    }
}
