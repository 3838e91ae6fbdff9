using Backup.Providers;
using Backup.Providers.Configuration;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.Hosting;
using ManagementPlane.Sync;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ManagementPlane.Tests.Sync;

/// <summary>Heartbeat retention, driven by a fake clock over a real disk store.</summary>
public sealed class HeartbeatStoreTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mp-heartbeats-").FullName;
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private IObjectStore DiskStore() => ObjectStoreFactory.Create(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Store:Provider"] = "disk", ["Store:Disk:Path"] = folder }).Build().GetSection("Store"))!;

    private HeartbeatStore Heartbeats(IObjectStore? store = null, int maxInstances = 100) =>
        new(store ?? DiskStore(), Options.Create(new ManagementOptions { Heartbeats = new() { ForgetAfter = TimeSpan.FromDays(1), MaxInstancesPerGateway = maxInstances } }),
            clock, NullLogger<HeartbeatStore>.Instance);

    private Task BeatAsync(HeartbeatStore heartbeats, string instance, bool stopping = false) =>
        heartbeats.RecordAsync("gw1", new HeartbeatRequest { InstanceId = instance, Stopping = stopping }, clock.GetUtcNow(), CancellationToken.None);

    private static async Task<List<string>> InstancesAsync(HeartbeatStore heartbeats) =>
        (await heartbeats.ListAsync("gw1", CancellationToken.None)).Select(b => b.Heartbeat.InstanceId!).Order(StringComparer.Ordinal).ToList();

    private List<string> StoredInstances()
    {
        var gateway = Path.Combine(folder, "heartbeats", "gw1");
        return Directory.Exists(gateway)
            ? Directory.EnumerateFiles(gateway, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    [Fact]
    public async Task ListAsync_InstanceSilentLongerThanForgetAfter_IsForgottenAndItsStoredHeartbeatDeleted()
    {
        var heartbeats = Heartbeats();
        await BeatAsync(heartbeats, "old");
        clock.Advance(TimeSpan.FromHours(23));
        await BeatAsync(heartbeats, "live");
        clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(["live"], await InstancesAsync(heartbeats));
        Assert.Equal(["live"], StoredInstances());
        Assert.Equal(["live"], await InstancesAsync(Heartbeats()));
    }

    [Fact]
    public async Task RecordAsync_MoreInstancesThanTheCap_KeepsTheMostRecentlyHeardFrom()
    {
        var heartbeats = Heartbeats(maxInstances: 3);
        for (var i = 0; i < 5; i++)
        {
            await BeatAsync(heartbeats, $"i-{i}");
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        await BeatAsync(heartbeats, "i-0");

        Assert.Equal(["i-0", "i-3", "i-4"], StoredInstances());
        Assert.Equal(["i-0", "i-3", "i-4"], await InstancesAsync(heartbeats));
    }

    [Fact]
    public async Task RecordAsync_ScaleFromZeroStartsForADayAndAHalf_KeepsOnlyTheLastDay()
    {
        // A start every 15 minutes, each a new instance id that says hello and goodbye, as on a scale-to-zero platform.
        var heartbeats = Heartbeats();
        for (var start = 0; start < 150; start++)
        {
            await BeatAsync(heartbeats, $"host-{start:D3}");
            await BeatAsync(heartbeats, $"host-{start:D3}", stopping: true);
            if (start < 149)
            {
                clock.Advance(TimeSpan.FromMinutes(15));
            }
        }

        // 37 h 15 min after the first start: the starts of the last 24 hours remain (53 to 149).
        var expected = Enumerable.Range(53, 97).Select(i => $"host-{i:D3}").ToList();
        Assert.Equal(expected, await InstancesAsync(heartbeats));
        Assert.Equal(expected, StoredInstances());
    }

    [Fact]
    public async Task ListAsync_NothingChangedSinceLastList_DownloadsNoHeartbeat()
    {
        var writer = Heartbeats();
        await BeatAsync(writer, "a");
        await BeatAsync(writer, "b");
        await BeatAsync(writer, "c");
        var counting = new CountingStore(DiskStore()) { KeyPrefix = "heartbeats/" };
        var reader = Heartbeats(counting);

        Assert.Equal(["a", "b", "c"], await InstancesAsync(reader));
        Assert.Equal(3, counting.Downloads);
        counting.Reset();
        Assert.Equal(["a", "b", "c"], await InstancesAsync(reader));
        Assert.Equal(0, counting.Downloads);

        clock.Advance(TimeSpan.FromMinutes(1));
        await BeatAsync(writer, "b");
        Assert.Equal(["a", "b", "c"], await InstancesAsync(reader));
        Assert.Equal(1, counting.Downloads);
    }
}
