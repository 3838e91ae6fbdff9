using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Backup.Providers;

namespace ManagementPlane.Portal.Store;

/// <summary>One portal object read with the ETag a conditional write needs; <see cref="Value"/> is null when the object is damaged.</summary>
internal sealed record Versioned<T>(T? Value, string ETag)
    where T : class;

/// <summary>
/// Typed, conditional reads and writes of the portal's JSON objects over the plane's <see cref="IObjectStore"/>.
/// A failed precondition is a result (false), as the store reports it; a damaged object reads as absent rather than
/// failing every page that touches it.
/// </summary>
internal sealed partial class PortalObjects(IObjectStore store, ILogger<PortalObjects> logger)
{
    private const int MaxAttempts = 20;

    public async Task<Versioned<T>?> ReadAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var stored = await store.GetAsync(key, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        try
        {
            return new Versioned<T>(JsonSerializer.Deserialize(stored.Content.Span, type), stored.ETag);
        }
        catch (JsonException ex)
        {
            LogUnreadable(logger, key, ex.Message);
            return new Versioned<T>(null, stored.ETag);
        }
    }

    /// <summary>
    /// Read, change, write with If-Match (If-None-Match when absent), again from the newer object when another writer got
    /// there first. <paramref name="change"/> gets the current value (null: absent or damaged) and returns the new one, or
    /// null to write nothing; it may run several times. Returns what was written, or null.
    /// </summary>
    public async Task<T?> UpdateAsync<T>(string key, JsonTypeInfo<T> type, Func<T?, T?> change, CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadAsync(key, type, cancellationToken);
            if (change(current?.Value) is not { } next)
            {
                return null;
            }

            var condition = current is null ? WriteCondition.IfNoneMatch : WriteCondition.IfMatch(current.ETag);
            if (await WriteAsync(key, next, type, condition, cancellationToken))
            {
                return next;
            }

            if (attempt >= MaxAttempts)
            {
                throw new ObjectStoreException(store.Name, $"{key} kept changing under this write; try again");
            }
        }
    }

    /// <summary>Writes <paramref name="value"/>; false when <paramref name="condition"/> does not hold (someone else wrote first).</summary>
    public async Task<bool> WriteAsync<T>(string key, T value, JsonTypeInfo<T> type, WriteCondition condition, CancellationToken cancellationToken)
    {
        var put = await store.PutAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, type), condition, cancellationToken);
        return put.Succeeded;
    }

    /// <summary>The keys under <paramref name="prefix"/>.</summary>
    public async IAsyncEnumerable<string> ListKeysAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in store.ListAsync(prefix, cancellationToken))
        {
            yield return item.Key;
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => store.DeleteAsync(key, cancellationToken);

    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "The portal object {Key} is not readable JSON ({Reason}); treated as absent")]
    private static partial void LogUnreadable(ILogger logger, string key, string reason);
}
