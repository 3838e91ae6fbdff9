using System.Runtime.CompilerServices;
using Backup.Providers.Probe;

namespace Backup.Providers.Tests.Probe;

public sealed class StoreProbeTests
{
    [Fact]
    public async Task RunAsync_StoreLosesWrites_ReportsReadStepAndStillCleansUp()
    {
        var store = new ForgetfulStore();

        var result = await StoreProbe.RunAsync(store);

        Assert.False(result.Succeeded);
        Assert.Equal(["write", "read", "delete"], result.Steps.Select(s => s.Name));
        var read = result.Steps[1];
        Assert.False(read.Succeeded);
        Assert.Contains("reads back as missing", read.Message, StringComparison.Ordinal);
        Assert.Equal(1, store.Deletes);
    }

    [Fact]
    public async Task RunAsync_StoreThrows_ReportsTheStoreMessage()
    {
        var store = new ForgetfulStore { Failure = new ObjectStoreException("fake", "fake: put failed because access was denied.") };

        var result = await StoreProbe.RunAsync(store);

        var step = Assert.Single(result.Steps);
        Assert.Equal("write", step.Name);
        Assert.Contains("access was denied", step.Message, StringComparison.Ordinal);
    }

    private sealed class ForgetfulStore : IObjectStore
    {
        public ObjectStoreException? Failure { get; init; }

        public int Deletes { get; private set; }

        public string Name => "fake";

        public StoreCapabilities Capabilities { get; } = new(SupportsConditionalWrites: true);

        public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult<StoredObject?>(null);

        public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken = default) =>
            Failure is null ? Task.FromResult(PutResult.Success("\"1\"")) : Task.FromException<PutResult>(Failure);

        public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }

        public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
        {
            Deletes++;
            return Task.FromResult(true);
        }
    }
}
