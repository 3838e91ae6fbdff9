using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using Backup.Providers;

namespace ManagementPlane.Portal.Store;

/// <summary>
/// Settings, API content and product content (<see cref="IPortalContent"/>). Every portal page reads the settings and the
/// catalogue reads every product's content, so reads are kept for <see cref="CacheFor"/>: a page view costs no store request
/// on Blob or S3. This instance's own writes replace the cached copy at once; another instance's show within that time.
/// </summary>
internal sealed partial class PortalContentStore(PortalObjects objects, TimeProvider time, ILogger<PortalContentStore> logger) : IPortalContent
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, (DateTimeOffset ReadAt, object? Value)> cache = new(StringComparer.Ordinal);

    public async Task<PortalSettings> GetSettingsAsync(CancellationToken cancellationToken) =>
        await GetCachedAsync(PortalKeys.Settings, PortalStoreJsonContext.Default.PortalSettings, cancellationToken) ?? new PortalSettings();

    public Task<ApiContent?> GetApiAsync(string apiId, CancellationToken cancellationToken) =>
        GetCachedAsync(PortalKeys.Api(apiId), PortalStoreJsonContext.Default.ApiContent, cancellationToken);

    public Task<ProductContent?> GetProductAsync(string productId, CancellationToken cancellationToken) =>
        GetCachedAsync(PortalKeys.Product(productId), PortalStoreJsonContext.Default.ProductContent, cancellationToken);

    public Task SaveSettingsAsync(PortalSettings settings, CancellationToken cancellationToken) =>
        WriteAsync(PortalKeys.Settings, settings, PortalStoreJsonContext.Default.PortalSettings, cancellationToken);

    /// <summary>Changes an API's content with a read-modify-write that retries when another writer got there first.</summary>
    public Task<ApiContent> UpdateApiAsync(string apiId, Action<ApiContent> change, CancellationToken cancellationToken) =>
        UpdateAsync(PortalKeys.Api(apiId), PortalStoreJsonContext.Default.ApiContent, change, cancellationToken);

    public Task<ProductContent> UpdateProductAsync(string productId, Action<ProductContent> change, CancellationToken cancellationToken) =>
        UpdateAsync(PortalKeys.Product(productId), PortalStoreJsonContext.Default.ProductContent, change, cancellationToken);

    public Task DeleteApiAsync(string apiId, CancellationToken cancellationToken) => DeleteAsync(PortalKeys.Api(apiId), cancellationToken);

    public Task DeleteProductAsync(string productId, CancellationToken cancellationToken) => DeleteAsync(PortalKeys.Product(productId), cancellationToken);

    /// <summary>
    /// After the head-record write that removed the API or product: its content goes too, best effort (the write is done;
    /// a leftover object is harmless, it shows nowhere and a new resource with that id overwrites it).
    /// </summary>
    public async Task ForgetAsync(string what, string id)
    {
        try
        {
            await DeleteAsync(what == "API" ? PortalKeys.Api(id) : PortalKeys.Product(id), CancellationToken.None);
        }
        catch (Exception ex) when (ex is Backup.Providers.ObjectStoreException or OperationCanceledException)
        {
            LogLeftOver(logger, what, id, ex.Message);
        }
    }

    /// <summary>After a successful import: the document as it came becomes the API's portal document, best effort.</summary>
    public async Task KeepImportedAsync(string apiId, byte[] document)
    {
        try
        {
            await ContentEndpoints.StoreDocumentAsync(this, apiId, document, CancellationToken.None);
        }
        catch (Exception ex) when (ex is Backup.Providers.ObjectStoreException or OperationCanceledException)
        {
            LogImportNotKept(logger, apiId, ex.Message);
        }
    }

    private async Task<T?> GetCachedAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(key, out var entry) && now - entry.ReadAt < CacheFor)
        {
            return (T?)entry.Value;
        }

        var read = await objects.ReadAsync(key, type, cancellationToken);
        cache[key] = (now, read?.Value);
        return read?.Value;
    }

    private async Task WriteAsync<T>(string key, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        await objects.WriteAsync(key, value, type, WriteCondition.None, cancellationToken);
        cache[key] = (time.GetUtcNow(), value);
    }

    private async Task<T> UpdateAsync<T>(string key, JsonTypeInfo<T> type, Action<T> change, CancellationToken cancellationToken)
        where T : class, new()
    {
        var written = await objects.UpdateAsync(key, type, current =>
        {
            var value = current ?? new T();
            change(value);
            return value;
        }, cancellationToken);
        cache[key] = (time.GetUtcNow(), written);
        return written!;
    }

    private async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await objects.DeleteAsync(key, cancellationToken);
        cache.TryRemove(key, out _);
    }

    [LoggerMessage(EventId = 1506, Level = LogLevel.Warning, Message = "The portal content of the deleted {What} {Id} could not be deleted ({Reason}); it is left in the store, unused")]
    private static partial void LogLeftOver(ILogger logger, string what, string id, string reason);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Warning, Message = "The API {ApiId} was imported, but its OpenAPI document could not be kept for the portal ({Reason}); PUT /apis/{ApiId}/openapi stores it")]
    private static partial void LogImportNotKept(ILogger logger, string apiId, string reason);
}
