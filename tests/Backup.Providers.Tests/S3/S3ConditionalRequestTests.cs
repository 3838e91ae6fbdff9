using System.Text;

namespace Backup.Providers.Tests.S3;

/// <summary>Proves our side of S3 conditional writes: the headers sent and the mapping of the answers.</summary>
public sealed class S3ConditionalRequestTests
{
    private static IObjectStore StoreFor(FakeS3Endpoint endpoint) => TestStores.Create(
        ("Backup:Provider", "s3"),
        ("Backup:S3:Bucket", "fake-bucket"),
        ("Backup:S3:Region", "us-east-1"),
        ("Backup:S3:ServiceUrl", $"http://127.0.0.1:{endpoint.Port}"),
        ("Backup:S3:ForcePathStyle", "true"),
        ("Backup:S3:AccessKeyId", "AKIDEXAMPLE"),
        ("Backup:S3:SecretAccessKey", "secret"),
        ("Backup:S3:MaxRetries", "0"));

    [Fact]
    public async Task PutAsync_IfNoneMatch_SendsIfNoneMatchStarAndMaps412ToPreconditionFailed()
    {
        await using var endpoint = new FakeS3Endpoint(_ => (412, null, "PreconditionFailed"));
        var store = StoreFor(endpoint);

        var result = await store.PutAsync("snapshots/1.json", Encoding.UTF8.GetBytes("{}"), WriteCondition.IfNoneMatch);

        Assert.True(store.Capabilities.SupportsConditionalWrites);
        Assert.Equal(PutStatus.PreconditionFailed, result.Status);
        var request = Assert.Single(endpoint.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/fake-bucket/snapshots/1.json", request.Path);
        Assert.Equal("*", request.Header("If-None-Match"));
        Assert.Null(request.Header("If-Match"));
    }

    [Fact]
    public async Task GetIfChangedAsync_KnownETag_SendsIfNoneMatchAndMaps304ToNotModified()
    {
        await using var endpoint = new FakeS3Endpoint(_ => (304, "\"abc123\"", null));
        var store = StoreFor(endpoint);

        var result = await store.GetIfChangedAsync("state/head.json", "\"abc123\"");

        Assert.Equal(ReadStatus.NotModified, result.Status);
        var request = Assert.Single(endpoint.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("\"abc123\"", request.Header("If-None-Match"));
    }

    [Fact]
    public async Task PutAsync_IfMatch_SendsIfMatchETagAndMaps412ToPreconditionFailed()
    {
        await using var endpoint = new FakeS3Endpoint(_ => (412, null, "PreconditionFailed"));
        var store = StoreFor(endpoint);

        var result = await store.PutAsync("state.json", Encoding.UTF8.GetBytes("{}"), WriteCondition.IfMatch("\"abc123\""));

        Assert.Equal(PutStatus.PreconditionFailed, result.Status);
        var request = Assert.Single(endpoint.Requests);
        Assert.Equal("\"abc123\"", request.Header("If-Match"));
        Assert.Null(request.Header("If-None-Match"));
    }

    [Fact]
    public async Task PutAsync_ConditionalRequestConflict409_MapsToPreconditionFailed()
    {
        await using var endpoint = new FakeS3Endpoint(_ => (409, null, "ConditionalRequestConflict"));
        var store = StoreFor(endpoint);

        var result = await store.PutAsync("state.json", Encoding.UTF8.GetBytes("{}"), WriteCondition.IfMatch("\"abc123\""));

        Assert.Equal(PutStatus.PreconditionFailed, result.Status);
    }

    [Fact]
    public async Task PutAsync_Unconditional_SendsPlainBodyWithoutConditionHeaders()
    {
        await using var endpoint = new FakeS3Endpoint(_ => (200, "\"etag-1\"", null));
        var store = StoreFor(endpoint);
        var content = Encoding.UTF8.GetBytes("plain body, not aws-chunked");

        var result = await store.PutAsync("k", content, WriteCondition.None);

        Assert.Equal(PutResult.Success("\"etag-1\""), result);
        var request = Assert.Single(endpoint.Requests);
        Assert.Null(request.Header("If-None-Match"));
        Assert.Null(request.Header("If-Match"));
        Assert.Equal(content, request.Body);
        Assert.DoesNotContain("aws-chunked", request.Header("Content-Encoding") ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutAsync_OtherServerError_ThrowsObjectStoreExceptionNotPreconditionFailed()
    {
        await using var endpoint = new FakeS3Endpoint(_ => (400, null, "InvalidRequest"));
        var store = StoreFor(endpoint);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.PutAsync("k", Encoding.UTF8.GetBytes("x"), WriteCondition.IfNoneMatch));

        Assert.Contains("InvalidRequest", error.Message, StringComparison.Ordinal);
    }
}
