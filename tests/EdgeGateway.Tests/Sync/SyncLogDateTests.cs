using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace EdgeGateway.Tests.Sync;

/// <summary>Every date in the gateway's log lines is ISO 8601 in UTC, whatever the culture (here one that formats like de-DE: 29.12.2026 07:42:00).</summary>
public sealed class SyncLogDateTests : IDisposable
{
    private static readonly DateTimeOffset Expiry = new(2026, 12, 29, 7, 42, 0, TimeSpan.Zero);
    private readonly IDisposable culture = GermanCulture.Use();

    public void Dispose() => culture.Dispose();

    [Fact]
    public void Unauthorized_TokenExpiryInIso8601()
    {
        using var sync = new SyncHarness(tokenExpiry: Expiry);

        sync.Loop.Record(new PollOutcome(PollResult.Unauthorized, "expired token"));

        Assert.Contains("(expired token; token expiry 2026-12-29T07:42:00Z, fingerprint ", sync.Logs.Single(62), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenExpiringAtStart_ExpiryInIso8601()
    {
        using var sync = new SyncHarness(tokenExpiry: Expiry);
        sync.State.Apply(sync.FromBackup(sync.Signed(1))); // serving already: nothing starts before the server listens
        var lifetime = new Lifetime();
        var deadline = new StartupDeadline(sync.State, sync.Status, sync.Client, sync.Settings, lifetime, sync.Clock, sync.Logs);
        using var service = new ManagementPlaneSync(sync.Loop, sync.Heartbeats, deadline, sync.State, sync.Client, sync.Tokens, lifetime, sync.Clock, sync.Logs);

        await service.StartAsync(CancellationToken.None);

        Assert.Equal("ManagementPlane:Token: the token expires at 2026-12-29T07:42:00Z: issue a new one (POST /gateways/{id}/token) before then; "
            + "the gateway keeps serving after, but gets no changes", sync.Logs.Single(69));
    }

    [Fact]
    public void TokenRenewedFromTheFile_ExpiryInIso8601()
    {
        var folder = Directory.CreateTempSubdirectory("eg-token-").FullName;
        try
        {
            var file = Path.Combine(folder, "token");
            File.WriteAllText(file, GatewayToken.Create("gw1", Expiry.AddDays(-10), "primary").Value);
            using var key = SigningKeys.Generate();
            var settings = GatewaySettings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gateway:Id"] = "gw1",
                ["ManagementPlane:Url"] = "http://127.0.0.1:1",
                ["ManagementPlane:TokenFile"] = file,
                ["Trust:SigningKey"] = SigningKeys.ExportPublicPem(key),
            }).Build());
            var logs = new CapturingLoggerFactory();
            using var tokens = new GatewayTokenSource(settings, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(SyncHarness.Now), logs);

            File.WriteAllText(file, GatewayToken.Create("gw1", Expiry, "primary").Value);
            tokens.Reload();

            Assert.Contains("Gateway token renewed from " + file + ": gateway gw1, expires 2026-12-29T07:42:00Z, fingerprint ", logs.Single(70), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
