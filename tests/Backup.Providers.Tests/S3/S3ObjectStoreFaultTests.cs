using System.Diagnostics;
using System.Text;
using Backup.Providers.Tests.Emulators;

namespace Backup.Providers.Tests.S3;

[Collection(EmulatorCollection.Name)]
public sealed class S3ObjectStoreFaultTests(EmulatorFixture emulators)
{
    [Fact]
    public void Capabilities_S3rverConfiguration_DeclareNoConditionalWrites()
    {
        var store = TestStores.S3(emulators.S3rver.Port, conditionalWrites: false);

        Assert.False(store.Capabilities.SupportsConditionalWrites);
    }

    [Fact]
    public void Capabilities_DefaultConfiguration_DeclareConditionalWrites()
    {
        var store = TestStores.Create(("Backup:Provider", "s3"), ("Backup:S3:Bucket", "backups"), ("Backup:S3:Region", "eu-west-1"));

        Assert.True(store.Capabilities.SupportsConditionalWrites);
    }

    [Fact]
    public async Task GetAsync_EmulatorStoppedMidRun_ThrowsObjectStoreExceptionQuickly()
    {
        await using var s3rver = await EmulatorFixture.StartS3rverAsync("outage");
        var store = TestStores.S3(s3rver.Port, bucket: "outage", maxRetries: 1, timeout: "00:00:02");
        await store.PutAsync("k", Encoding.UTF8.GetBytes("v"), WriteCondition.None);
        s3rver.Stop();

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.GetAsync("k"));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        Assert.Equal(store.Name, error.Store);
        Assert.Contains("s3 (bucket 'outage')", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutAsync_UnknownAccessKey_ThrowsAccessDeniedNamingCredentials()
    {
        // s3rver checks the access key id but not SigV4 signatures, so a wrong key id is the wrong credential it can see.
        var store = TestStores.S3(emulators.S3rver.Port, accessKey: "WRONGKEY");

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.PutAsync("k", Encoding.UTF8.GetBytes("v"), WriteCondition.None));

        Assert.Equal("Backup:S3:AccessKeyId", error.Setting);
        Assert.Contains("access was denied", error.Message, StringComparison.Ordinal);
        Assert.Contains("Backup:S3:SecretAccessKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_MissingBucket_ThrowsNamingBucketSetting()
    {
        var store = TestStores.S3(emulators.S3rver.Port, bucket: "no-such-bucket");

        var error = await Assert.ThrowsAsync<ObjectStoreException>(async () =>
        {
            await foreach (var unused in store.ListAsync(""))
            {
            }
        });

        Assert.Equal("Backup:S3:Bucket", error.Setting);
        Assert.Contains("no-such-bucket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_MissingBucket_ThrowsRatherThanReportingMissingObject()
    {
        var store = TestStores.S3(emulators.S3rver.Port, bucket: "no-such-bucket");

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.GetAsync("k"));

        Assert.Equal("Backup:S3:Bucket", error.Setting);
    }
}
