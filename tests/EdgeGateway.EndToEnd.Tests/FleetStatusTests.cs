using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// Both planes as AOT processes: what two gateway instances served reaches the management plane's
/// <c>GET /gateways/{id}/status</c> in their heartbeats, per instance and summed.
/// </summary>
public sealed class FleetStatusTests : PlaneFixture
{
    private static string Config(string echoUrl, string failingUrl, params string[] extraApis) => $$"""
        { "schemaVersion": 1,
          "apis": [
            { "id": "echo", "path": "/echo", "subscriptionRequired": false, "backend": { "urls": ["{{echoUrl}}"] } },
            { "id": "locked", "path": "/locked", "subscriptionRequired": true, "backend": { "urls": ["{{echoUrl}}"] } },
            { "id": "down", "path": "/down", "subscriptionRequired": false, "backend": { "urls": ["{{failingUrl}}"] } }
            {{string.Concat(extraApis.Select(a => $$""", { "id": "{{a}}", "path": "/{{a}}", "subscriptionRequired": false, "backend": { "urls": ["{{echoUrl}}"] } }"""))}} ],
          "gateways": [ { "id": "gw1", "apis": [ "echo", "locked", "down"{{string.Concat(extraApis.Select(a => $", \"{a}\""))}} ] } ] }
        """;

    [Fact]
    public async Task TwoInstances_KnownRequests_StatusShowsEachInstancesTrafficAndTheSum()
    {
        // A backend that answers every request 502 (a failure the gateway passes on), and 403 on /forbidden (its own authorisation).
        await using var failing = await TestBackend.StartAsync("failing", app => app.Use((HttpContext context, RequestDelegate _) =>
        {
            context.Response.StatusCode = context.Request.Path.Value!.EndsWith("/forbidden", StringComparison.Ordinal) ? 403 : 502;
            return Task.CompletedTask;
        }));
        await Plane.ApplyAsync(Config(Backend.Url, failing.Url));
        var env = await Plane.GatewayEnvironmentAsync("gw1");
        env["ManagementPlane__HeartbeatInterval"] = "00:10:00"; // windows end at the start beat and at the next revision, nowhere in between
        await using var first = await GatewayProcess.StartAsync("", env: env);
        await using var second = await GatewayProcess.StartAsync("", env: env);
        await first.EventuallyAsync(async () => (await Plane.StatusAsync("gw1")).GetProperty("instances").GetArrayLength() == 2, "both start heartbeats");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync($"/echo/{i}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await first.Client.GetAsync("/locked/x")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/echo/a")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/echo/b")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await second.Client.GetAsync("/down/x")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await second.Client.GetAsync("/down/forbidden")).StatusCode); // the backend's 403: not a rejection

        // A new revision makes each instance beat at once; that beat carries the window since its start beat.
        await Plane.ApplyAsync(Config(Backend.Url, failing.Url, "later"));
        JsonElement status = default;
        await first.EventuallyAsync(async () =>
        {
            status = await Plane.StatusAsync("gw1");
            var latest = status.GetProperty("latestRevision").GetInt64();
            return status.GetProperty("instances").EnumerateArray().All(i => i.GetProperty("appliedRevision").GetInt64() == latest);
        }, "both instances report the new revision", 30);

        var windows = status.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("traffic"))
            .OrderByDescending(t => t.GetProperty("requests").GetInt64()).ToList();
        Assert.Equal(2, windows.Count);
        Assert.Equal((6L, 0L, 1L), Counts(windows[0]));
        Assert.Equal((4L, 1L, 0L), Counts(windows[1]));
        foreach (var window in windows)
        {
            Assert.True(window.GetProperty("p95Ms").GetDouble() > 0, window.ToString());
            Assert.True(window.GetProperty("windowSeconds").GetDouble() > 0, window.ToString());
            Assert.True(window.GetProperty("requestsPerSecond").GetDouble() > 0, window.ToString());
        }

        var sum = status.GetProperty("traffic");
        Assert.Equal((10L, 1L, 1L), Counts(sum));
        Assert.Equal(2, sum.GetProperty("instances").GetInt32());
        Assert.True(sum.GetProperty("p95Ms").GetDouble() > 0, sum.ToString());
    }

    private static (long Requests, long Errors, long Rejections) Counts(JsonElement traffic) =>
        (traffic.GetProperty("requests").GetInt64(), traffic.GetProperty("errors").GetInt64(), traffic.GetProperty("rejections").GetInt64());
}
