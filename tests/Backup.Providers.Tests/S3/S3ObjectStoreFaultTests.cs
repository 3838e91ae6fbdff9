using System.Text;
using Backup.Providers.Probe;
using Backup.Providers.Tests.Emulators;

namespace Backup.Providers.Tests.S3;

[Collection(EmulatorCollection.Name)]
public sealed class S3ObjectStoreFaultTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task Probe_ConditionalWritesOff_PassesAgainstStoreThatIgnoresThem()
    {
        // s3rver ignores If-None-Match on put; a store configured to say so is usable, and the probe checks nothing it cannot keep.
        var store = TestStores.S3(emulators.S3rver.Port, conditionalWrites: false);

        var result = await StoreProbe.RunAsync(store);

        Assert.True(result.Succeeded, string.Join("; ", result.Steps.Select(s => $"{s.Name}: {s.Message}")));
        Assert.DoesNotContain(result.Steps, s => s.Name == "conditional-write");
    }

    [Fact]
    public async Task Probe_DefaultConfiguration_ExpectsConditionalWritesAndCatchesStoreThatIgnoresThem()
    {
        // No Backup:S3:ConditionalWrites: the default promises them (as real S3 keeps them), so s3rver is caught out.
        var store = TestStores.Create(
            ("Backup:Provider", "s3"),
            ("Backup:S3:Bucket", EmulatorFixture.S3Bucket),
            ("Backup:S3:Region", "us-east-1"),
            ("Backup:S3:ServiceUrl", $"http://127.0.0.1:{emulators.S3rver.Port}"),
            ("Backup:S3:ForcePathStyle", "true"),
            ("Backup:S3:AccessKeyId", EmulatorFixture.S3AccessKey),
            ("Backup:S3:SecretAccessKey", EmulatorFixture.S3AccessKey));

        var result = await StoreProbe.RunAsync(store);

        Assert.False(result.Succeeded);
        var step = Assert.Single(result.Steps, s => !s.Succeeded);
        Assert.Equal("conditional-write", step.Name);
        Assert.Contains("does not enforce them", step.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_EmulatorStoppedMidRun_ThrowsObjectStoreExceptionNamingTheStore()
    {
        await using var s3rver = await EmulatorFixture.StartS3rverAsync("outage");
        var store = TestStores.S3(s3rver.Port, bucket: "outage", maxRetries: 1, timeout: "00:00:02");
        await store.PutAsync("k", Encoding.UTF8.GetBytes("v"), WriteCondition.None);
        s3rver.Stop();

        // MaxRetries 1 and a 2 s timeout give up long before this deadline, which only catches a hang.
        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.GetAsync("k").WaitAsync(TimeSpan.FromSeconds(90)));

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
