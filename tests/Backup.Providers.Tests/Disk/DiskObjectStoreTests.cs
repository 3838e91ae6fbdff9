using System.Diagnostics;
using System.Text;
using Backup.Providers.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Providers.Tests.Disk;

public sealed class DiskObjectStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("disk-store-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private IObjectStore StoreWithClock(TimeProvider clock) =>
        ObjectStoreFactory.Create(TestStores.Section([KeyValuePair.Create("Backup:Provider", (string?)"disk"), KeyValuePair.Create("Backup:Disk:Path", (string?)_folder)]), "Backup", ObjectStoreProviders.None, clock)!;

    [Fact]
    public async Task PutAsync_NestedKey_WritesFileInSubFoldersWithoutLeftovers()
    {
        var store = TestStores.Disk(_folder);

        await store.PutAsync("gateways/gw1/rev-000042.json", Encoding.UTF8.GetBytes("{}"), WriteCondition.None);

        Assert.Equal("{}", await File.ReadAllTextAsync(Path.Combine(_folder, "gateways", "gw1", "rev-000042.json")));
        Assert.Empty(Directory.EnumerateFiles(_folder, "*.tmp~", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task PutAsync_SameContent_GivesSameETagAcrossStoreInstances()
    {
        var first = await TestStores.Disk(_folder).PutAsync("a", Encoding.UTF8.GetBytes("same"), WriteCondition.None);

        var second = await TestStores.Disk(_folder).PutAsync("b", Encoding.UTF8.GetBytes("same"), WriteCondition.None);

        Assert.Equal(first.ETag, second.ETag);
    }

    [Fact]
    public async Task DeleteAsync_LastObjectInFolder_RemovesEmptyFolders()
    {
        var store = TestStores.Disk(_folder);
        await store.PutAsync("x/y/z", Encoding.UTF8.GetBytes("1"), WriteCondition.None);

        await store.DeleteAsync("x/y/z");

        Assert.False(Directory.Exists(Path.Combine(_folder, "x")));
    }

    [Fact]
    public async Task ListAsync_InternalFiles_AreNotListed()
    {
        var store = TestStores.Disk(_folder);
        await store.PutAsync("k", Encoding.UTF8.GetBytes("1"), WriteCondition.None);
        await File.WriteAllTextAsync(Path.Combine(_folder, "leftover.tmp~"), "partial");

        var keys = new List<string>();
        await foreach (var item in store.ListAsync(""))
        {
            keys.Add(item.Key);
        }

        Assert.Equal(["k"], keys);
    }

    [Fact]
    public async Task PutAsync_LockFileHeldByAnotherHandle_FailsWithTimeoutAfterLockTimeout()
    {
        var clock = new FakeTimeProvider();
        var store = StoreWithClock(clock);
        await store.PutAsync("k", Encoding.UTF8.GetBytes("1"), WriteCondition.None);

        // An exclusive open of the lock file is what another process holding the lock looks like (an OS lock, not a flag).
        using (new FileStream(Path.Combine(_folder, ".lock~"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var write = store.PutAsync("k", Encoding.UTF8.GetBytes("2"), WriteCondition.None);
            Assert.False(write.IsCompleted);
            clock.Advance(TimeSpan.FromSeconds(11));

            var error = await Assert.ThrowsAsync<ObjectStoreException>(() => write);
            Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        }

        Assert.True((await store.PutAsync("k", Encoding.UTF8.GetBytes("3"), WriteCondition.None)).Succeeded);
        Assert.Equal("3", await File.ReadAllTextAsync(Path.Combine(_folder, "k")));
    }

    [Fact]
    public async Task PutAsync_LockFileReleasedWithinTimeout_WriterRetriesAndSucceeds()
    {
        var clock = new FakeTimeProvider();
        var store = StoreWithClock(clock);
        await store.PutAsync("k", Encoding.UTF8.GetBytes("1"), WriteCondition.None);
        var holder = new FileStream(Path.Combine(_folder, ".lock~"), FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var write = store.PutAsync("k", Encoding.UTF8.GetBytes("2"), WriteCondition.None);
        Assert.False(write.IsCompleted);
        await holder.DisposeAsync();
        clock.Advance(TimeSpan.FromMilliseconds(100));

        Assert.True((await write).Succeeded);
        Assert.Equal("2", await File.ReadAllTextAsync(Path.Combine(_folder, "k")));
    }

    [Fact]
    public async Task PutAsync_LockHeldByAnotherOsProcess_CompletesOnlyAfterThatProcessReleasesIt()
    {
        var store = TestStores.Disk(_folder);
        await store.PutAsync("k", Encoding.UTF8.GetBytes("1"), WriteCondition.None);
        // The other process holds the lock until it reads a line from its standard input: the test decides when.
        var start = new ProcessStartInfo("flock", ["--exclusive", Path.Combine(_folder, ".lock~"), "--command", "echo locked; read line; echo releasing"])
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };

        // util-linux flock(1) takes the same flock(2) lock .NET takes for FileShare.None: a real second process.
        using var other = Process.Start(start)!;
        Assert.Equal("locked", await other.StandardOutput.ReadLineAsync());
        var released = 0;
        var write = store.PutAsync("k", Encoding.UTF8.GetBytes("2"), WriteCondition.IfNoneMatch)
            .ContinueWith(t => (Result: t.Result, AfterRelease: Volatile.Read(ref released) == 1), TaskScheduler.Default);

        // Give a writer that ignored the lock every chance to finish early (a slow machine only makes this weaker, never red).
        await Task.WhenAny(write, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.False(write.IsCompleted);
        Volatile.Write(ref released, 1);
        await other.StandardInput.WriteLineAsync("go");
        await other.StandardInput.FlushAsync();

        var (result, afterRelease) = await write.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(afterRelease);
        Assert.Equal(PutStatus.PreconditionFailed, result.Status);
        await other.WaitForExitAsync();
    }

    [Fact]
    public async Task PutAsync_ConcurrentWritersThroughSeparateStoreInstances_ExactlyOneCreates()
    {
        // Separate instances share nothing in memory, so only the lock file keeps them apart.
        var stores = Enumerable.Range(0, 16).Select(_ => TestStores.Disk(_folder)).ToList();

        var results = await Task.WhenAll(stores.Select((s, i) => Task.Run(() => s.PutAsync("leader", Encoding.UTF8.GetBytes($"{i}"), WriteCondition.IfNoneMatch))));

        Assert.Single(results, r => r.Succeeded);
    }

    [Fact]
    public async Task PutAsync_KeyUnderAnExistingObject_ThrowsObjectStoreException()
    {
        var store = TestStores.Disk(_folder);
        await store.PutAsync("file", Encoding.UTF8.GetBytes("1"), WriteCondition.None);

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.PutAsync("file/child", Encoding.UTF8.GetBytes("2"), WriteCondition.None));

        Assert.Equal(store.Name, error.Store);
    }
}
