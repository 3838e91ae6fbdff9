using System.Text;
using System.Text.Json;
using Backup.Providers;
using Backup.Providers.Configuration;
using EdgeGateway.Backup;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.Routing;
using EdgeGateway.Sync;
using EdgeGateway.Tests.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Tests.Backup;

/// <summary>A snapshot holding secret values is not backed up in plain text unless allowed; the status, log and heartbeat say why, never the value.</summary>
public sealed class BackupWriterTests : IDisposable
{
    private const string SecretValue = "s3cr3t-backend-token-41ab";
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("gw-backup-tests-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task SecretValues_NoKey_NotWritten_LoggedOnce_StatusAndHeartbeatNameTheSetting_WithoutTheValue()
    {
        using var harness = new SyncHarness();
        var store = Store();
        var status = new BackupStatus(store.Name);
        using var lifetime = new Lifetime();
        using var writer = new BackupWriter(new SnapshotBackups(store, "gw1", cipher: null, keep: 5, harness.Logs.CreateLogger("test")),
            harness.State, harness.Clock, status, lifetime, harness.Settings, harness.Logs);
        await writer.StartAsync(CancellationToken.None);
        lifetime.Start();

        harness.State.Apply(Runtime(1));
        await Until(() => status.Snapshot(harness.Clock.GetUtcNow()).LastError is not null);
        harness.State.Apply(Runtime(2));
        await Until(() => status.Snapshot(harness.Clock.GetUtcNow()).PendingRevision is null);
        await writer.StopAsync(CancellationToken.None);

        var body = status.Snapshot(harness.Clock.GetUtcNow());
        Assert.Equal(BackupWriter.PlaintextSecretsRefused, body.LastError);
        Assert.Null(body.LastRevision);
        Assert.Equal(0, body.Failed);
        await foreach (var _ in store.ListAsync(""))
        {
            Assert.Fail("nothing may be written");
        }

        var line = harness.Logs.Single(46);
        Assert.Contains("Backup:AllowPlaintextSecrets=true", line, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Message.Contains(SecretValue, StringComparison.Ordinal));

        var heartbeat = new HeartbeatBuilder(harness.State, harness.Status, new EdgeGateway.Proxy.RequestCounters(), harness.Clock, status).Build(stopping: false);
        Assert.Equal(BackupWriter.PlaintextSecretsRefused, heartbeat.LastBackupError);
        Assert.DoesNotContain(SecretValue, JsonSerializer.Serialize(heartbeat, SyncJsonContext.Default.HeartbeatRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretValues_AllowPlaintextSecrets_Written()
    {
        using var harness = new SyncHarness(extra: new Dictionary<string, string?> { ["Backup:AllowPlaintextSecrets"] = "true" });
        var store = Store();
        var status = new BackupStatus(store.Name);
        using var lifetime = new Lifetime();
        using var writer = new BackupWriter(new SnapshotBackups(store, "gw1", cipher: null, keep: 5, harness.Logs.CreateLogger("test")),
            harness.State, harness.Clock, status, lifetime, harness.Settings, harness.Logs);
        await writer.StartAsync(CancellationToken.None);
        lifetime.Start();

        harness.State.Apply(Runtime(1));
        await Until(() => status.Snapshot(harness.Clock.GetUtcNow()).LastRevision == 1);
        await writer.StopAsync(CancellationToken.None);

        Assert.Null(status.Snapshot(harness.Clock.GetUtcNow()).LastError);
    }

    private IObjectStore Store() => ObjectStoreFactory.Create(new ConfigurationBuilder().AddInMemoryCollection(
        [new("Backup:Provider", "disk"), new("Backup:Disk:Path", folder.FullName)]).Build().GetSection("Backup"), "Backup", "none", TimeProvider.System)!;

    private static GatewayRuntime Runtime(long revision)
    {
        var snapshot = new GatewaySnapshot
        {
            SchemaVersion = 1,
            Revision = revision,
            GatewayId = "gw1",
            NamedValues = [new NamedValueDefinition { Id = "backend-token", Value = SecretValue, Secret = true }],
        };
        return new GatewayRuntime(snapshot, "test", SyncHarness.Now, Encoding.UTF8.GetBytes($"{{\"revision\":{revision},\"secret\":\"{SecretValue}\"}}"));
    }

    /// <summary>Waits for the writer's loop (a real thread): a generous deadline, never a fixed sleep.</summary>
    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(10);
        }
    }

    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource started = new();

        public CancellationToken ApplicationStarted => started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => started.Cancel();

        public void StopApplication()
        {
        }

        public void Dispose() => started.Dispose();
    }
}
