using System.Runtime.CompilerServices;
using Backup.Providers.Errors;

namespace Backup.Providers.Disk;

/// <summary>
/// Objects as files under one folder, keys as sub-folders. Writes go to a temporary file in the target folder,
/// are flushed to disk and renamed over the target, so readers see the old or the new content, never a mix.
/// Writes and deletes hold the store's lock (<see cref="DiskLock"/>), which makes the ETag checks atomic
/// for writers in this process and in other processes.
/// </summary>
internal sealed class DiskObjectStore : IObjectStore
{
    // Names ending in '~' are reserved by ObjectKey, so these never collide with objects.
    private const string LockFileName = ".lock~";
    private const string TempSuffix = ".tmp~";

    private static readonly StoreCapabilities DiskCapabilities = new(SupportsConditionalWrites: true);

    private readonly string _root;
    private readonly StoreDescriptor _descriptor;
    private readonly DiskLock _lock;

    public DiskObjectStore(string root, TimeSpan lockTimeout, TimeProvider timeProvider, StoreDescriptor descriptor)
    {
        _root = root;
        _descriptor = descriptor;
        _lock = new DiskLock(System.IO.Path.Combine(root, LockFileName), lockTimeout, timeProvider);
    }

    public string Name => _descriptor.Name;

    public StoreCapabilities Capabilities => DiskCapabilities;

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        return RunAsync("get", async ct =>
        {
            var content = await TryReadAsync(PathOf(key), ct).ConfigureAwait(false);
            return content is null ? null : new StoredObject(content, ContentETag.Compute(content));
        }, cancellationToken);
    }

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        return RunAsync("put", async ct =>
        {
            var path = PathOf(key);
            using var held = await _lock.AcquireAsync(ct).ConfigureAwait(false);
            if (condition.Kind != WriteConditionKind.None)
            {
                var current = await TryReadAsync(path, ct).ConfigureAwait(false);
                var holds = condition.Kind == WriteConditionKind.IfNoneMatch
                    ? current is null
                    : current is not null && string.Equals(ContentETag.Compute(current), condition.ETag, StringComparison.Ordinal);
                if (!holds)
                {
                    return PutResult.PreconditionFailed;
                }
            }

            await WriteAtomicallyAsync(path, content, ct).ConfigureAwait(false);
            return PutResult.Success(ContentETag.Compute(content.Span));
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        return RunAsync("delete", async ct =>
        {
            var path = PathOf(key);
            using var held = await _lock.AcquireAsync(ct).ConfigureAwait(false);
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            RemoveEmptyFolders(System.IO.Path.GetDirectoryName(path)!);
            return true;
        }, cancellationToken);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKey.ValidatePrefix(prefix);
        var keys = await RunAsync("list", _ => Task.FromResult(ListKeys(prefix)), cancellationToken).ConfigureAwait(false);
        foreach (var key in keys)
        {
            var info = await RunAsync("list", async ct =>
            {
                var path = PathOf(key);
                var content = await TryReadAsync(path, ct).ConfigureAwait(false);
                return content is null
                    ? null
                    : new ObjectInfo(key, content.Length, ContentETag.Compute(content), new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero));
            }, cancellationToken).ConfigureAwait(false);

            // A file deleted between listing and reading is simply no longer there.
            if (info is not null)
            {
                yield return info;
            }
        }
    }

    private List<string> ListKeys(string prefix)
    {
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? _root : System.IO.Path.Combine(_root, prefix[..lastSlash].Replace('/', System.IO.Path.DirectorySeparatorChar));
        if (!Directory.Exists(start))
        {
            return [];
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        var keys = new List<string>();
        foreach (var file in Directory.EnumerateFiles(start, "*", options))
        {
            if (file.EndsWith('~'))
            {
                continue;
            }

            var key = System.IO.Path.GetRelativePath(_root, file).Replace(System.IO.Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal) && ObjectKey.IsValid(key, out _))
            {
                keys.Add(key);
            }
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private string PathOf(string key) => System.IO.Path.Combine(_root, key.Replace('/', System.IO.Path.DirectorySeparatorChar));

    private static async Task<byte[]?> TryReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static async Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temp = System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + TempSuffix);
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private void RemoveEmptyFolders(string folder)
    {
        // Keeps the tree tidy after deletes; a folder that is not empty (or is being written to) stays.
        var root = System.IO.Path.TrimEndingDirectorySeparator(_root);
        while (!string.Equals(System.IO.Path.TrimEndingDirectorySeparator(folder), root, StringComparison.Ordinal)
            && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            try
            {
                Directory.Delete(folder);
            }
            catch (IOException)
            {
                return;
            }

            folder = System.IO.Path.GetDirectoryName(folder)!;
        }
    }

    private Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken) =>
        StoreOperation.RunAsync(_descriptor, operation, Classify, action, cancellationToken);

    private static StoreFailure? Classify(Exception exception) => exception switch
    {
        UnauthorizedAccessException => StoreFailure.AccessDenied,
        TimeoutException => StoreFailure.Timeout,
        DirectoryNotFoundException => StoreFailure.LocationMissing,
        IOException => StoreFailure.Other,
        _ => null,
    };
}
