using System.Runtime.CompilerServices;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Backup.Providers.Errors;

namespace Backup.Providers.Blob;

/// <summary>Objects as block blobs in one container; ETag conditions are the service's own.</summary>
internal sealed class BlobObjectStore(BlobContainerClient container, bool createContainer, int? listPageSize, StoreDescriptor descriptor) : IObjectStore
{
    private static readonly StoreCapabilities BlobCapabilities = new(SupportsConditionalWrites: true);

    private volatile bool _containerReady = !createContainer;

    public string Name => descriptor.Name;

    public StoreCapabilities Capabilities => BlobCapabilities;

    public async Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (await GetIfChangedAsync(key, knownETag: null, cancellationToken).ConfigureAwait(false)).Object;

    public Task<ConditionalRead> GetIfChangedAsync(string key, string? knownETag, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        var options = new BlobDownloadOptions { Conditions = knownETag is null ? null : new BlobRequestConditions { IfNoneMatch = new ETag(knownETag) } };
        return RunAsync("get", async ct =>
        {
            try
            {
                var response = await container.GetBlobClient(key).DownloadContentAsync(options, ct).ConfigureAwait(false);

                // The SDK answers a 304 as a response without a value, not as an exception.
                if (response.GetRawResponse().Status == 304)
                {
                    return ConditionalRead.NotModified;
                }

                return ConditionalRead.Changed(new StoredObject(response.Value.Content.ToMemory(), ETags.Normalize(response.Value.Details.ETag.ToString())));
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.BlobNotFound)
            {
                return ConditionalRead.NotFound;
            }
        }, cancellationToken);
    }

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        var options = new BlobUploadOptions
        {
            Conditions = condition.Kind switch
            {
                WriteConditionKind.IfNoneMatch => new BlobRequestConditions { IfNoneMatch = ETag.All },
                WriteConditionKind.IfMatch => new BlobRequestConditions { IfMatch = new ETag(condition.ETag!) },
                _ => null,
            },
        };
        return RunAsync("put", async ct =>
        {
            try
            {
                var response = await container.GetBlobClient(key).UploadAsync(BinaryData.FromBytes(content), options, ct).ConfigureAwait(false);
                return PutResult.Success(ETags.Normalize(response.Value.ETag.ToString()));
            }
            catch (RequestFailedException ex) when (IsPreconditionFailure(ex, condition))
            {
                return PutResult.PreconditionFailed;
            }
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        return RunAsync("delete", async ct =>
            (await container.GetBlobClient(key).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false)).Value, cancellationToken);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKey.ValidatePrefix(prefix);
        var options = new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix };
        string? continuation = null;
        do
        {
            var page = await RunAsync("list", async ct =>
            {
                await foreach (var p in container.GetBlobsAsync(options, ct).AsPages(continuation, listPageSize).ConfigureAwait(false))
                {
                    return p;
                }

                return null;
            }, cancellationToken).ConfigureAwait(false);
            if (page is null)
            {
                yield break;
            }

            foreach (var item in page.Values)
            {
                yield return new ObjectInfo(
                    item.Name,
                    item.Properties.ContentLength ?? 0,
                    ETags.Normalize(item.Properties.ETag?.ToString() ?? string.Empty),
                    item.Properties.LastModified ?? DateTimeOffset.MinValue);
            }

            continuation = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(continuation));
    }

    private static bool IsPreconditionFailure(RequestFailedException ex, WriteCondition condition) =>
        ex.Status == 412
        || (ex.Status == 409 && ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        || (condition.Kind == WriteConditionKind.IfMatch && ex.ErrorCode == BlobErrorCode.BlobNotFound);

    private Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken) =>
        StoreOperation.RunAsync(descriptor, operation, Classify, async ct =>
        {
            if (!_containerReady)
            {
                await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
                _containerReady = true;
            }

            try
            {
                return await action(ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (createContainer && ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                // Deleted (or an emulator restarted empty) after we created it: create it again, once, then retry.
                await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
                return await action(ct).ConfigureAwait(false);
            }
        }, cancellationToken);

    internal static StoreFailure? Classify(Exception exception) => exception switch
    {
        RequestFailedException { ErrorCode: "ContainerNotFound" } => StoreFailure.LocationMissing,
        RequestFailedException { Status: 401 or 403 } => StoreFailure.AccessDenied,
        RequestFailedException { Status: 0 } => StoreFailure.Unavailable,
        RequestFailedException => StoreFailure.Other,
        AuthenticationFailedException => StoreFailure.AccessDenied,
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Classify(aggregate.InnerExceptions[^1]) ?? StoreFailure.Unavailable,
        HttpRequestException or IOException => StoreFailure.Unavailable,
        TimeoutException => StoreFailure.Timeout,
        _ => null,
    };
}
