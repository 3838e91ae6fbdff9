namespace EdgeGateway.Hosting;

/// <summary>
/// Calls back (debounced) when anything changes in a file's folder, and also every <c>recheck</c> in case an event was
/// missed. Watching the folder, not the file, catches the ways files are replaced: an editor's rename, a ConfigMap's or
/// Secret's <c>..data</c> symlink swap (Kubernetes), a bind mount's new inode. The callback compares contents itself.
/// </summary>
internal sealed class FolderWatch : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);
    private readonly FileSystemWatcher watcher;
    private readonly ITimer debounce;
    private readonly ITimer recheck;

    public FolderWatch(string filePath, TimeSpan recheckEvery, TimeProvider time, Action changed)
    {
        debounce = time.CreateTimer(_ => changed(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        recheck = time.CreateTimer(_ => changed(), null, recheckEvery, recheckEvery);
        watcher = new FileSystemWatcher(Path.GetDirectoryName(Path.GetFullPath(filePath))!)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName,
            IncludeSubdirectories = false,
        };
        FileSystemEventHandler onChange = (_, _) => debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Deleted += onChange;
        watcher.Renamed += (_, _) => debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        watcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        watcher.Dispose();
        debounce.Dispose();
        recheck.Dispose();
    }
}
