using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>Hybrid-mode settings that docs/management-api.md describes: plain polling, and the start-up warnings.</summary>
public sealed class SyncSettingsTests : PlaneFixture
{
    private const string PlainHttpWarning = "is plain http to a non-loopback host";
    private const string ExpiryWarning = "ManagementPlane:Token: the token expires at";

    /// <summary>A pass-through in front of the management plane that records the query of every snapshot request.</summary>
    private static Task<TestBackend> RecordingProxyAsync(HttpClient upstream, ConcurrentQueue<string> queries) =>
        TestBackend.StartAsync("proxy", app => app.Map("/gateway/v1/{**rest}", async (HttpContext context) =>
        {
            if (context.Request.Path.Value!.EndsWith("/snapshot", StringComparison.Ordinal))
            {
                queries.Enqueue(context.Request.QueryString.Value ?? "");
            }

            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
            foreach (var header in new[] { "Authorization", "If-None-Match" })
            {
                if (context.Request.Headers.TryGetValue(header, out var value))
                {
                    request.Headers.TryAddWithoutValidation(header, value.ToString());
                }
            }

            if (HttpMethods.IsPost(context.Request.Method))
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                request.Content = new ByteArrayContent(body.ToArray());
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(context.Request.ContentType ?? "application/json");
            }

            using var response = await upstream.SendAsync(request, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Headers.ETag is { } etag)
            {
                context.Response.Headers.ETag = etag.ToString();
            }

            if (response.Content.Headers.ContentType is { } type)
            {
                context.Response.ContentType = type.ToString();
            }

            await response.Content.CopyToAsync(context.Response.Body);
        }));

    [Fact]
    public async Task LongPollWaitZero_PlainPolling_NoPollIsHeldAndChangesStillArrive()
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo")));
        var queries = new ConcurrentQueue<string>();
        using var upstream = new HttpClient { BaseAddress = new Uri(Plane.Url), Timeout = TimeSpan.FromMinutes(2) };
        await using var proxy = await RecordingProxyAsync(upstream, queries);
        var env = await Plane.GatewayEnvironmentAsync("gw1");
        env["ManagementPlane__Url"] = proxy.Url;
        env["ManagementPlane__LongPollWait"] = "00:00:00";
        env["ManagementPlane__PollInterval"] = "00:00:01";
        await using var gateway = await GatewayProcess.StartAsync("", env: env);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/echo/x")).StatusCode);

        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo"), ("new", "/new")));

        await gateway.EventuallyAsync(async () => (await gateway.Client.GetAsync("/new/x")).StatusCode == HttpStatusCode.OK, "change picked up by polling", 60);
        Assert.True(queries.Count >= 2, $"{queries.Count} snapshot requests");
        Assert.All(queries, q => Assert.DoesNotContain("wait=", q, StringComparison.Ordinal));
        Assert.Equal("connected", (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Start_TokenExpiringWithinThreeDays_WarnsAndServes()
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1", await Plane.TokenAsync("gw1", DateTimeOffset.UtcNow.AddDays(1)));

        await using var gateway = await GatewayProcess.StartAsync("", env: env);

        Assert.Equal(HttpStatusCode.OK, (await gateway.Client.GetAsync("/echo/x")).StatusCode);
        await gateway.EventuallyAsync(() => Task.FromResult(gateway.Output.Contains(ExpiryWarning, StringComparison.Ordinal)), "expiry warning logged");
    }

    [Fact]
    public async Task Start_TokenValidForAWeekOverLoopback_NoWarning()
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1", await Plane.TokenAsync("gw1", DateTimeOffset.UtcNow.AddDays(7)));

        await using var gateway = await GatewayProcess.StartAsync("", env: env);
        await gateway.EventuallyAsync(async () => (await gateway.StatusAsync()).GetProperty("managementPlane").GetProperty("state").GetString() == "connected", "connected");

        Assert.DoesNotContain(ExpiryWarning, gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(PlainHttpWarning, gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PlainHttpToNonLoopbackHost_Warns()
    {
        await Plane.ApplyAsync(HybridSyncTests.Config(Backend.Url, "gw1", ("echo", "/echo")));
        var env = await Plane.GatewayEnvironmentAsync("gw1");
        // 0.0.0.0 is not a loopback address by name, so the warning applies, yet Linux delivers a connection to it on this
        // machine: the test sends nothing off the host (a free port: refused at once).
        var url = $"http://0.0.0.0:{Ports.Free()}";
        env["ManagementPlane__Url"] = url;
        env["ManagementPlane__StartupTimeout"] = "00:00:01";

        await using var gateway = GatewayProcess.Launch("", env: env);

        Assert.Equal(1, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var warning = Assert.Single(gateway.Output.Split('\n'), l => l.Contains(PlainHttpWarning, StringComparison.Ordinal));
        Assert.Contains(url, warning, StringComparison.Ordinal);
    }
}
