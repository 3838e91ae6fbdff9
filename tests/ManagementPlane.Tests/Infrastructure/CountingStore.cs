using Backup.Providers;
using Microsoft.Extensions.DependencyInjection;

namespace ManagementPlane.Tests.Infrastructure;

/// <summary>Wraps the plane's store and counts what reaches it, per key.</summary>
internal sealed class CountingStore(IObjectStore inner) : IObjectStore
{
    private int fullReads;
    private int conditionalReads;
    private int downloads;

    /// <summary>Only reads of keys starting with this are counted.</summary>
    public string KeyPrefix { get; init; } = "state/head.json";

    public int FullReads => Volatile.Read(ref fullReads);

    public int ConditionalReads => Volatile.Read(ref conditionalReads);

    /// <summary>Reads of either kind that transferred the content.</summary>
    public int Downloads => Volatile.Read(ref downloads);

    public string Name => inner.Name;

    public StoreCapabilities Capabilities => inner.Capabilities;

    /// <summary>Replaces the plane's <see cref="IObjectStore"/> with a counting wrapper around it; the wrapper arrives in <paramref name="created"/>.</summary>
    public static Action<IServiceCollection> Install(Action<CountingStore> created) => services =>
    {
        var original = services.Last(d => d.ServiceType == typeof(IObjectStore));
        services.Remove(original);
        services.AddSingleton<IObjectStore>(sp =>
        {
            var counting = new CountingStore((IObjectStore)original.ImplementationFactory!(sp));
            created(counting);
            return counting;
        });
    };

    public void Reset()
    {
        Interlocked.Exchange(ref fullReads, 0);
        Interlocked.Exchange(ref conditionalReads, 0);
        Interlocked.Exchange(ref downloads, 0);
    }

    public async Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var stored = await inner.GetAsync(key, cancellationToken);
        if (key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref fullReads);
            Interlocked.Increment(ref downloads);
        }

        return stored;
    }

    public async Task<ConditionalRead> GetIfChangedAsync(string key, string? knownETag, CancellationToken cancellationToken = default)
    {
        var read = await inner.GetIfChangedAsync(key, knownETag, cancellationToken);
        if (key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref conditionalReads);
            if (read.Status == ReadStatus.Changed)
            {
                Interlocked.Increment(ref downloads);
            }
        }

        return read;
    }

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, content, condition, cancellationToken);

    public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        inner.ListAsync(prefix, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(key, cancellationToken);
}
