namespace Backup.Providers.Tests.S3;

/// <summary>
/// S3 answers a read of a missing key with 403 instead of 404 to a role whose s3:ListBucket is limited to a prefix
/// (infra/terraform grants the gateway exactly that). The store then lists that one key: not there means missing,
/// there means the 403 was a real denial.
/// </summary>
public sealed class S3MissingObjectTests
{
    private const string Prefix = "backups";
    private const string Key = "gateways/gw1/confirmation.json";
    private const string FullKey = Prefix + "/" + Key;

    private static IObjectStore StoreFor(FakeS3Endpoint endpoint) => TestStores.Create(
        ("Backup:Provider", "s3"),
        ("Backup:S3:Bucket", "fake-bucket"),
        ("Backup:S3:Region", "us-east-1"),
        ("Backup:S3:ServiceUrl", $"http://127.0.0.1:{endpoint.Port}"),
        ("Backup:S3:ForcePathStyle", "true"),
        ("Backup:S3:Prefix", Prefix),
        ("Backup:S3:AccessKeyId", "AKIDEXAMPLE"),
        ("Backup:S3:SecretAccessKey", "secret"),
        ("Backup:S3:MaxRetries", "0"));

    private static bool IsList(RecordedRequest r) => r.Method == "GET" && r.QueryValue("list-type") == "2";

    private static string Listing(params string[] keys) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>fake-bucket</Name>"
        + $"<Prefix>{FullKey}</Prefix><KeyCount>{keys.Length}</KeyCount><MaxKeys>1</MaxKeys><IsTruncated>false</IsTruncated>"
        + string.Concat(keys.Select(k => $"<Contents><Key>{k}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>\"e\"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>"))
        + "</ListBucketResult>";

    [Fact]
    public async Task GetAsync_403AndTheKeyIsNotListed_IsMissing()
    {
        // A longer key under the same name is listed, not the key itself: the key does not exist.
        await using var endpoint = new FakeS3Endpoint(r => IsList(r) ? (200, null, null) : (403, null, "AccessDenied"), _ => Listing(FullKey + ".old"));
        var store = StoreFor(endpoint);

        Assert.Null(await store.GetAsync(Key));

        var list = Assert.Single(endpoint.Requests, IsList);
        Assert.Equal(FullKey, list.QueryValue("prefix"));
        Assert.Equal("1", list.QueryValue("max-keys"));
    }

    [Fact]
    public async Task GetAsync_403AndTheKeyIsListed_StaysAccessDenied()
    {
        await using var endpoint = new FakeS3Endpoint(r => IsList(r) ? (200, null, null) : (403, null, "AccessDenied"), _ => Listing(FullKey));
        var store = StoreFor(endpoint);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.GetAsync(Key));

        Assert.Contains("access was denied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_403AndTheListingIsDeniedToo_StaysAccessDenied()
    {
        await using var endpoint = new FakeS3Endpoint(_ => (403, null, "AccessDenied"));
        var store = StoreFor(endpoint);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.GetAsync(Key));

        Assert.Contains("access was denied", error.Message, StringComparison.Ordinal);
        Assert.Single(endpoint.Requests, IsList);
    }

    [Fact]
    public async Task DeleteAsync_Head403AndTheKeyIsNotListed_ReportsNothingDeleted()
    {
        // A HEAD's 403 has no body, so no error code either.
        await using var endpoint = new FakeS3Endpoint(r => IsList(r) ? (200, null, null) : (403, null, null), _ => Listing());
        var store = StoreFor(endpoint);

        Assert.False(await store.DeleteAsync(Key));

        Assert.DoesNotContain(endpoint.Requests, r => r.Method == "DELETE");
        Assert.Single(endpoint.Requests, IsList);
    }
}
