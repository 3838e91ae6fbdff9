namespace Backup.Providers;

/// <summary>
/// A small, byte-oriented object store: local disk, Azure Blob or S3 behind one contract.
/// Keys are validated by <see cref="ObjectKey"/>, so the same key names the same object on every store.
/// Failed preconditions are results, not exceptions; every other failure is an <see cref="ObjectStoreException"/>.
/// </summary>
public interface IObjectStore
{
    /// <summary>A short description for messages, e.g. <c>s3 (bucket 'backups')</c>.</summary>
    string Name { get; }

    StoreCapabilities Capabilities { get; }

    /// <summary>Reads an object; <see langword="null"/> when it does not exist.</summary>
    Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads an object only if its ETag no longer equals <paramref name="knownETag"/> (<c>If-None-Match</c>), so a caller that
    /// polls an object it already holds pays for a request, not for a download. A <see langword="null"/> ETag reads unconditionally.
    /// Blob and S3 send the condition to the service; this default (the disk store's: a local read is cheap, its ETag is a hash
    /// of the content) reads in full and compares.
    /// </summary>
    async Task<ConditionalRead> GetIfChangedAsync(string key, string? knownETag, CancellationToken cancellationToken = default) =>
        ConditionalRead.Of(await GetAsync(key, cancellationToken).ConfigureAwait(false), knownETag);

    /// <summary>Writes an object, optionally only if absent or only if its ETag still matches.</summary>
    Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken = default);

    /// <summary>Lists objects whose key starts with <paramref name="prefix"/>, in ordinal key order where the store allows, paging under the hood.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object; <see langword="true"/> when it existed.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);
}
