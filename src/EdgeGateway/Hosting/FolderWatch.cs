using EdgeGateway.Configuration;

namespace EdgeGateway.Hosting;

/// <summary>
/// Calls back when one file changes, however it is replaced: written in place, renamed over or away (editors,
/// <c>sed -i</c>), a ConfigMap's or Secret's <c>..data</c> symlink swap (Kubernetes), a bind mount's new inode. The folder
/// is watched, but only events about that file (or <c>..data</c>) count, so a log written beside it cannot hold a change
/// back: the callback runs 150 ms after the last such event and at most 1 s after the first of a burst. An optional
/// periodic recheck covers events that never arrive (some network file systems). The callback compares contents itself.
/// </summary>
internal sealed class FolderWatch : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);
    private readonly FileSystemWatcher watcher;
    private readonly ChangeDebouncer debouncer;
    private readonly ITimer? recheck;

    public FolderWatch(string filePath, TimeSpan? recheckEvery, TimeProvider time, Action changed)
    {
        var fullPath = Path.GetFullPath(filePath);
        var fileName = Path.GetFileName(fullPath);
        debouncer = new ChangeDebouncer(time, Quiet, MaxWait, changed);
        if (recheckEvery is { } every)
        {
            recheck = time.CreateTimer(_ => changed(), null, every, every);
        }

        watcher = new FileSystemWatcher(Path.GetDirectoryName(fullPath)!)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName,
            IncludeSubdirectories = false,
        };

        bool Concerns(string? name) => name is not null
            && (string.Equals(name, fileName, StringComparison.Ordinal) || name.StartsWith("..data", StringComparison.Ordinal));
        FileSystemEventHandler onChange = (_, e) =>
        {
            if (Concerns(e.Name))
            {
                debouncer.Signal();
            }
        };
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Deleted += onChange;
        watcher.Renamed += (_, e) =>
        {
            if (Concerns(e.Name) || Concerns(e.OldName))
            {
                debouncer.Signal();
            }
        };
        watcher.Error += (_, _) => debouncer.Signal(); // events were lost (buffer overflow): look anyway
        watcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        watcher.Dispose();
        debouncer.Dispose();
        recheck?.Dispose();
    }
}
