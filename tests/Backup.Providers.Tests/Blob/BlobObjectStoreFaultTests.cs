using System.Text;
using Backup.Providers.Tests.Emulators;

namespace Backup.Providers.Tests.Blob;

[Collection(EmulatorCollection.Name)]
public sealed class BlobObjectStoreFaultTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task GetAsync_EmulatorStoppedMidRun_ThrowsObjectStoreExceptionNamingTheStore()
    {
        await using var azurite = await EmulatorFixture.StartAzuriteAsync();
        var store = TestStores.Blob(azurite.Port, "outage", maxRetries: 1, timeout: "00:00:02");
        await store.PutAsync("k", Encoding.UTF8.GetBytes("v"), WriteCondition.None);
        azurite.Stop();

        // MaxRetries 1 and a 2 s timeout give up long before this deadline, which only catches a hang.
        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.GetAsync("k").WaitAsync(TimeSpan.FromSeconds(90)));

        Assert.Equal(store.Name, error.Store);
        Assert.Contains("blob (container 'outage')", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutAsync_WrongAccountKey_ThrowsAccessDeniedNamingConnectionString()
    {
        var wrongKey = Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('x', 64)));
        var store = TestStores.Blob(emulators.Azurite.Port, "conformance", createContainer: false, accountKey: wrongKey);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.PutAsync("k", Encoding.UTF8.GetBytes("v"), WriteCondition.None));

        Assert.Equal("Backup:Blob:ConnectionString", error.Setting);
        Assert.Contains("access was denied", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_MissingContainer_ThrowsNamingContainerSetting()
    {
        var store = TestStores.Blob(emulators.Azurite.Port, "does-not-exist", createContainer: false);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.GetAsync("k"));

        Assert.Equal("Backup:Blob:Container", error.Setting);
        Assert.Contains("Backup:Blob:CreateContainer=true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutAsync_MissingContainerWithCreateContainer_CreatesItAndWrites()
    {
        var container = $"created-{Guid.NewGuid():N}"[..30];
        var store = TestStores.Blob(emulators.Azurite.Port, container, createContainer: true);

        var put = await store.PutAsync("k", Encoding.UTF8.GetBytes("v"), WriteCondition.IfNoneMatch);

        Assert.True(put.Succeeded);
    }
}
