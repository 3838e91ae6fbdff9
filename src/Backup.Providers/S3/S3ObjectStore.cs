using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Backup.Providers.Errors;

namespace Backup.Providers.S3;

/// <summary>
/// Objects in one bucket under an optional prefix. Conditional puts are sent as <c>If-None-Match: *</c> and
/// <c>If-Match</c>; whether the service enforces them is declared by configuration (<see cref="S3StoreOptions.ConditionalWrites"/>).
/// </summary>
internal sealed class S3ObjectStore(
    IAmazonS3 client,
    string bucket,
    string keyPrefix,
    int? listPageSize,
    StoreCapabilities capabilities,
    StoreDescriptor descriptor) : IObjectStore, IDisposable
{
    public string Name => descriptor.Name;

    public StoreCapabilities Capabilities => capabilities;

    public async Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (await GetIfChangedAsync(key, knownETag: null, cancellationToken).ConfigureAwait(false)).Object;

    public Task<ConditionalRead> GetIfChangedAsync(string key, string? knownETag, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        return RunAsync("get", async ct =>
        {
            try
            {
                var request = new GetObjectRequest { BucketName = bucket, Key = keyPrefix + key, EtagToNotMatch = knownETag };
                using var response = await client.GetObjectAsync(request, ct).ConfigureAwait(false);
                if (response.HttpStatusCode == HttpStatusCode.NotModified)
                {
                    return ConditionalRead.NotModified;
                }

                using var buffer = new MemoryStream(response.ContentLength > 0 ? (int)response.ContentLength : 0);
                await response.ResponseStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                return ConditionalRead.Changed(new StoredObject(buffer.ToArray(), ETags.Normalize(response.ETag)));
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotModified)
            {
                return ConditionalRead.NotModified;
            }
            catch (AmazonS3Exception ex) when (IsMissingObject(ex))
            {
                return ConditionalRead.NotFound;
            }
            catch (AmazonS3Exception ex) when (MayHideMissingObject(ex))
            {
                if (await IsListedAsync(keyPrefix + key, ct).ConfigureAwait(false))
                {
                    throw;
                }

                return ConditionalRead.NotFound;
            }
        }, cancellationToken);
    }

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        return RunAsync("put", async ct =>
        {
            var segment = MemoryMarshal.TryGetArray(content, out var array) ? array : new ArraySegment<byte>(content.ToArray());
            var request = new PutObjectRequest
            {
                BucketName = bucket,
                Key = keyPrefix + key,
                InputStream = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false),
                AutoCloseStream = true,
                // aws-chunked bodies are stored verbatim by some S3-compatible servers (FIELD-NOTES); AWS accepts either.
                UseChunkEncoding = false,
                IfNoneMatch = condition.Kind == WriteConditionKind.IfNoneMatch ? "*" : null,
                IfMatch = condition.Kind == WriteConditionKind.IfMatch ? condition.ETag : null,
            };
            try
            {
                var response = await client.PutObjectAsync(request, ct).ConfigureAwait(false);
                return PutResult.Success(ETags.Normalize(response.ETag ?? string.Empty));
            }
            catch (AmazonS3Exception ex) when (IsPreconditionFailure(ex, condition))
            {
                return PutResult.PreconditionFailed;
            }
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKey.Validate(key);
        return RunAsync("delete", async ct =>
        {
            // S3 answers 204 whether or not the object existed; a HEAD first tells which.
            try
            {
                await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = keyPrefix + key }, ct).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (IsMissingObject(ex))
            {
                return false;
            }
            catch (AmazonS3Exception ex) when (MayHideMissingObject(ex))
            {
                if (await IsListedAsync(keyPrefix + key, ct).ConfigureAwait(false))
                {
                    throw;
                }

                return false;
            }

            await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = keyPrefix + key }, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKey.ValidatePrefix(prefix);
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = keyPrefix + prefix, MaxKeys = listPageSize ?? 1000 };
        while (true)
        {
            var page = await RunAsync("list", ct => client.ListObjectsV2Async(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                yield return new ObjectInfo(
                    item.Key[keyPrefix.Length..],
                    item.Size ?? 0,
                    ETags.Normalize(item.ETag ?? string.Empty),
                    item.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue);
            }

            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public void Dispose() => client.Dispose();

    private static bool IsMissingObject(AmazonS3Exception ex) =>
        ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket";

    /// <summary>
    /// S3 answers a read of a missing key with 404 only to a caller allowed <c>s3:ListBucket</c> on the bucket, and
    /// 403 otherwise. A role whose ListBucket is limited to its prefix (an <c>s3:prefix</c> condition, as the Terraform
    /// module grants the gateway) most likely gets that 403: the implicit check carries no prefix.
    /// </summary>
    private static bool MayHideMissingObject(AmazonS3Exception ex) =>
        ex.StatusCode == HttpStatusCode.Forbidden && ex.ErrorCode is null or "" or "AccessDenied" or "Forbidden"; // a HEAD's 403 has no body

    /// <summary>
    /// After such a 403: one listing of exactly this key (max-keys 1; the key sorts before any longer key it prefixes),
    /// with the same credentials. Not listed: the object is missing. Listed, or the listing itself fails: the 403 was a
    /// real denial and stands (the caller rethrows it, and it is classified as access denied).
    /// </summary>
    private async Task<bool> IsListedAsync(string fullKey, CancellationToken cancellationToken)
    {
        try
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = fullKey, MaxKeys = 1 }, cancellationToken).ConfigureAwait(false);
            return page.S3Objects?.Any(o => o.Key == fullKey) == true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return true;
        }
    }

    private static bool IsPreconditionFailure(AmazonS3Exception ex, WriteCondition condition) =>
        ex.StatusCode == HttpStatusCode.PreconditionFailed
        || (ex.StatusCode == HttpStatusCode.Conflict && ex.ErrorCode == "ConditionalRequestConflict")
        || (condition.Kind == WriteConditionKind.IfMatch && IsMissingObject(ex));

    private Task<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken) =>
        StoreOperation.RunAsync(descriptor, operation, Classify, action, cancellationToken);

    internal static StoreFailure? Classify(Exception exception) => exception switch
    {
        AmazonS3Exception { ErrorCode: "NoSuchBucket" } => StoreFailure.LocationMissing,
        AmazonServiceException { StatusCode: HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized } => StoreFailure.AccessDenied,
        AmazonServiceException { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" } => StoreFailure.AccessDenied,
        AmazonServiceException { InnerException: { } inner } when Classify(inner) is StoreFailure.Unavailable or StoreFailure.Timeout => Classify(inner),
        AmazonServiceException => StoreFailure.Other,
        AmazonClientException { InnerException: { } inner } when Classify(inner) is { } failure => failure,
        AmazonClientException ex when ex.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) => StoreFailure.AccessDenied,
        AmazonClientException => StoreFailure.Other,
        HttpRequestException or SocketException or IOException => StoreFailure.Unavailable,
        TimeoutException => StoreFailure.Timeout,
        _ => null,
    };
}
