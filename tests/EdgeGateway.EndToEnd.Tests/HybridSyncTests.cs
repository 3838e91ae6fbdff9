using System.Net;
using System.Text;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>Both planes as AOT processes: changes made through the management API reach a running gateway.</summary>
public sealed class HybridSyncTests : PlaneFixture
{
    internal static string Config(string backendUrl, string gateway = "gw1", params (string Id, string Path)[] apis) => $$"""
        { "schemaVersion": 1,
          "apis": [ {{string.Join(",", apis.Select(a => $$"""{ "id": "{{a.Id}}", "path": "{{a.Path}}", "subscriptionRequired": false, "backend": { "urls": ["{{backendUrl}}"] } }"""))}} ],
          "gateways": [ { "id": "{{gateway}}", "apis": [ {{string.Join(",", apis.Select(a => $"\"{a.Id}\""))}} ] } ] }
        """;

    private static async Task<bool> ServesAsync(GatewayProcess gateway, string path) =>
        (await gateway.Client.GetAsync(path)).StatusCode == HttpStatusCode.OK;

    [Fact]
    public async Task RestChanges_ReachRunningGateway_CreateChangeDelete()
    {
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo")));
        await using var gateway = await GatewayProcess.StartAsync("", env: await Plane.GatewayEnvironmentAsync("gw1"));
        Assert.True(await ServesAsync(gateway, "/echo/x"));

        // Create through the resource API and assign to the gateway.
        using var create = await Plane.Admin.PutAsync("/apis/orders", new StringContent(
            $$"""{ "path": "/orders", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] } }""", Encoding.UTF8, "application/json"));
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
        using var assign = await Plane.Admin.PutAsync("/gateways/gw1/apis/orders", null);
        Assert.True(assign.IsSuccessStatusCode, await assign.Content.ReadAsStringAsync());
        await gateway.EventuallyAsync(() => ServesAsync(gateway, "/orders/1"), "created API served");

        // Change it.
        using var change = await Plane.Admin.PutAsync("/apis/orders", new StringContent(
            $$"""{ "path": "/orders-v2", "subscriptionRequired": false, "backend": { "urls": ["{{Backend.Url}}"] } }""", Encoding.UTF8, "application/json"));
        Assert.True(change.IsSuccessStatusCode, await change.Content.ReadAsStringAsync());
        await gateway.EventuallyAsync(() => ServesAsync(gateway, "/orders-v2/1"), "changed path served");
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/orders/1")).StatusCode);

        // Delete it (declaratively: the config without it).
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo")));
        await gateway.EventuallyAsync(async () => (await gateway.Client.GetAsync("/orders-v2/1")).StatusCode == HttpStatusCode.NotFound, "deleted API gone");

        // The management plane sees this instance's heartbeat with the latest revision.
        await gateway.EventuallyAsync(async () =>
        {
            var status = await Plane.StatusAsync("gw1");
            return status.GetProperty("instances").EnumerateArray().Any(i =>
                i.GetProperty("state").GetString() == "current" && i.GetProperty("isLatest").GetBoolean());
        }, "heartbeat with the latest revision");
    }

    [Fact]
    public async Task ManagementPlaneDown_GatewayKeepsServing_CatchesUpAfterRestart()
    {
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo")));
        await using var gateway = await GatewayProcess.StartAsync("", env: await Plane.GatewayEnvironmentAsync("gw1"));

        Plane.Kill();
        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("state").GetString() == "unreachable",
            "outage reported in status");
        for (var i = 0; i < 20; i++)
        {
            Assert.True(await ServesAsync(gateway, $"/echo/{i}"));
        }

        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/healthz/ready")).StatusCode);

        // A restarted plane on the same store takes changes; the gateway gets every one of them.
        await Plane.RestartAsync();
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo"), ("late", "/late")));
        await gateway.EventuallyAsync(() => ServesAsync(gateway, "/late/x"), "change made after the outage arrives");
        Assert.Equal("connected", (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("state").GetString());
    }

    [Fact]
    public async Task KeyRegenerated_Gets401_KeepsServing_NewTokenRestoresSync()
    {
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo")));
        await using (var gateway = await GatewayProcess.StartAsync("", env: await Plane.GatewayEnvironmentAsync("gw1")))
        {
            await Plane.RegenerateKeyAsync("gw1", "primary");

            // A long poll that was authorised before the regeneration may still deliver one change; the next ask is refused.
            await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo"), ("during", "/during")));
            await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("state").GetString() == "unauthorized",
                "token refusal reported", 40);
            await gateway.PrintedAsync("THE GATEWAY TOKEN WAS REFUSED");

            await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo"), ("after", "/after")));
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.True(await ServesAsync(gateway, "/echo/x"));
            Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/after/x")).StatusCode);
        }

        // The new token as a secret file would give it: with a trailing newline.
        var renewedEnv = await Plane.GatewayEnvironmentAsync("gw1");
        renewedEnv["ManagementPlane__Token"] += "\n";
        await using var renewed = await GatewayProcess.StartAsync("", env: renewedEnv);
        Assert.True(await ServesAsync(renewed, "/after/x"));
    }

    [Fact]
    public async Task TokenFile_RotatedLikeAKubernetesSecret_ReachesTheRunningGateway()
    {
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo")));
        var secret = Folder.File_("secret");
        Directory.CreateDirectory(secret);
        var generation = 0;
        void Mount(string token)
        {
            // The kubelet's rotation: a new timestamped folder, a temporary link to it renamed over ..data; token -> ..data/token.
            var data = Path.Combine(secret, $"..2026_11_30_{++generation}");
            Directory.CreateDirectory(data);
            File.WriteAllText(Path.Combine(data, "token"), token + "\n");
            File.CreateSymbolicLink(Path.Combine(secret, "..data_tmp"), Path.GetFileName(data));
            Assert.Equal(0, rename(Path.Combine(secret, "..data_tmp"), Path.Combine(secret, "..data")));
            if (generation == 1)
            {
                File.CreateSymbolicLink(Path.Combine(secret, "token"), "..data/token");
            }
        }

        Mount(await Plane.TokenAsync("gw1"));
        var env = await Plane.GatewayEnvironmentAsync("gw1", "unused");
        env.Remove("ManagementPlane__Token");
        env["ManagementPlane__TokenFile"] = Path.Combine(secret, "token");
        await using var gateway = await GatewayProcess.StartAsync("", env: env);
        var before = (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("token");
        Assert.Equal("gw1", before.GetProperty("gatewayId").GetString());
        Assert.Contains("ManagementPlane:TokenFile", before.GetProperty("source").GetString(), StringComparison.Ordinal);

        await Plane.RegenerateKeyAsync("gw1", "primary");
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo"), ("during", "/during")));
        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("state").GetString() == "unauthorized",
            "token refusal reported", 40);

        // The secret is rotated; the same process picks the new token up, no restart.
        var renewed = await Plane.TokenAsync("gw1");
        Mount(renewed);
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo"), ("after", "/after")));
        await gateway.EventuallyAsync(() => ServesAsync(gateway, "/after/x"), "a change arrives with the renewed token", 40);
        var after = (await gateway.StatusAsync()).GetProperty("managementPlane");
        Assert.Equal("connected", after.GetProperty("state").GetString());
        Assert.NotEqual(before.GetProperty("fingerprint").GetString(), after.GetProperty("token").GetProperty("fingerprint").GetString());
        await gateway.PrintedAsync("Gateway token renewed");
        Assert.DoesNotContain(renewed.Split('&')[2], gateway.Output + (await gateway.Admin.GetStringAsync("/status-0123456789abcdef")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxSnapshotAge_PlaneConfirmsEveryAnswer_StartFromBackupWithinTheBound()
    {
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1");
        env["Backup__Provider"] = "disk";
        env["Backup__Disk__Path"] = Folder.File_("backups");
        env["ManagementPlane__StartupTimeout"] = "00:00:03";
        env["Trust__MaxSnapshotAge"] = "01:00:00";
        await using (var first = await GatewayProcess.StartAsync("", env: env))
        {
            await first.EventuallyAsync(async () =>
            {
                var status = await first.StatusAsync();
                return status.GetProperty("managementPlane").TryGetProperty("lastConfirmation", out var c)
                    && c.GetProperty("revision").GetInt64() == status.GetProperty("revision").GetInt64()
                    && File.Exists(Path.Combine(Folder.File_("backups"), "gateways", "gw1", "confirmation.json"));
            }, "the plane's confirmation backed up");
        }

        Plane.Kill();
        await using var restarted = await GatewayProcess.StartAsync("", env: env);
        Assert.True(await ServesAsync(restarted, "/echo/x"));
        Assert.StartsWith("backup:", (await restarted.StatusAsync()).GetProperty("configSource").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewRevisionApplied_PlaneShowsItAtOnce_NotAtTheNextHeartbeat()
    {
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1");
        env["ManagementPlane__HeartbeatInterval"] = "00:10:00"; // the periodic beat is far away
        await using var gateway = await GatewayProcess.StartAsync("", env: env);
        async Task<bool> PlaneSeesLatestAsync(long after)
        {
            var status = await Plane.StatusAsync("gw1");
            var latest = status.GetProperty("latestRevision").GetInt64();
            return latest > after && status.GetProperty("instances").EnumerateArray().Any(i => i.GetProperty("appliedRevision").GetInt64() == latest);
        }

        await gateway.EventuallyAsync(() => PlaneSeesLatestAsync(0), "the start heartbeat");
        var before = (await Plane.StatusAsync("gw1")).GetProperty("latestRevision").GetInt64();

        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo"), ("new", "/new")));

        await gateway.EventuallyAsync(() => PlaneSeesLatestAsync(before), "the plane shows the new revision applied", 30);
        Assert.True(await ServesAsync(gateway, "/new/x"));
    }

    [Fact]
    public async Task RestartFromBackup_PlaneUp_StatusShowsThePlaneAsSourceAndTheBackedUpRevision()
    {
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1");
        env["Backup__Provider"] = "disk";
        env["Backup__Disk__Path"] = Folder.File_("backups");
        long revision;
        await using (var first = await GatewayProcess.StartAsync("", env: env))
        {
            revision = (await first.StatusAsync()).GetProperty("revision").GetInt64();
            await first.EventuallyAsync(async () => (await first.StatusAsync()).GetProperty("backup").TryGetProperty("lastRevision", out var r)
                && r.GetInt64() == revision, "backed up");
        }

        await using var restarted = await GatewayProcess.StartAsync("", env: env);
        await restarted.PrintedAsync("from backup:");

        await restarted.EventuallyAsync(async () =>
        {
            var status = await restarted.StatusAsync();
            return status.GetProperty("configSource").GetString()!.StartsWith("managementPlane:", StringComparison.Ordinal)
                && status.GetProperty("backup").TryGetProperty("lastRevision", out var backedUp) && backedUp.GetInt64() == revision
                && status.GetProperty("revision").GetInt64() == revision;
        }, "served from the plane, the backup's revision shown", 30);
        Assert.Equal("connected", (await restarted.StatusAsync()).GetProperty("managementPlane").GetProperty("state").GetString());
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int rename(string from, string to);

    [Fact]
    public async Task TokenExpired_Gets401_KeepsServing()
    {
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo")));

        // Tokens carry their expiry to the minute and the plane issues none under a minute: the shortest is 61-120 s.
        var soon = DateTimeOffset.UtcNow.AddSeconds(65);
        var expiry = new DateTimeOffset(soon.Year, soon.Month, soon.Day, soon.Hour, soon.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        var token = await Plane.TokenAsync("gw1", expiry);
        await using var gateway = await GatewayProcess.StartAsync("", env: await Plane.GatewayEnvironmentAsync("gw1", token));
        Assert.True(await ServesAsync(gateway, "/echo/x"));

        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("state").GetString() == "unauthorized",
            "expiry reported", timeoutSeconds: 200);
        Assert.Contains("expired", (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("lastError").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(await ServesAsync(gateway, "/echo/x"));
    }

    [Fact]
    public async Task NoBackup_ManagementPlaneDown_StartingGatewayExitsNonZeroNamingSettings()
    {
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1");
        env["ManagementPlane__StartupTimeout"] = "00:00:02";
        Plane.Kill();

        await using var gateway = GatewayProcess.Launch("", env: env);

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("No config after ManagementPlane:StartupTimeout", gateway.Output, StringComparison.Ordinal);
        Assert.Contains("Backup:Provider is none", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_UnderLoad_NoFailedRequest_FinalHeartbeat_ExitZero()
    {
        Backend.Delay = TimeSpan.FromMilliseconds(800);
        await Plane.ApplyAsync(Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1");
        env["ManagementPlane__HeartbeatInterval"] = "00:01:00"; // only the start and stop heartbeats
        await using var gateway = await GatewayProcess.StartAsync("", env: env);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        var load = Enumerable.Range(0, 25).Select(i => client.GetAsync($"/echo/{i}")).ToList();
        await gateway.EventuallyAsync(() => Task.FromResult(Backend.Hits >= 25), "requests in flight");

        gateway.SendSigterm();

        Assert.All(await Task.WhenAll(load), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        var instance = (await Plane.StatusAsync("gw1")).GetProperty("instances").EnumerateArray().Single();
        Assert.True(instance.GetProperty("state").GetString() == "stopped", instance.ToString());
        Assert.True(instance.GetProperty("requestsTotal").GetInt64() >= 25);
    }
}
