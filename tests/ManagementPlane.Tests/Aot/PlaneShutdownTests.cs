using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.Tests.Infrastructure;

namespace ManagementPlane.Tests.Aot;

/// <summary>docs/management-api.md: a stopping plane answers its held long polls with 304 at once, so a deploy does not wait them out.</summary>
public sealed class PlaneShutdownTests
{
    [Fact]
    public async Task Sigterm_HeldLongPolls_Answered304AndPlaneExitsZero()
    {
        // At Debug the plane says when it holds a poll: the signal must reach it only once all three are held.
        var plane = new PublishedPlane(new Dictionary<string, string?> { ["Logging__LogLevel__ManagementPlane.Sync"] = "Debug" });
        await plane.InitializeAsync();
        try
        {
            using var admin = new HttpClient { BaseAddress = plane.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PublishedPlane.AdminKey);
            Assert.True((await admin.PutAsync("/apis/echo", TestPlane.Json("""{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}"""))).IsSuccessStatusCode);
            Assert.True((await admin.PutAsync("/gateways/gw1", TestPlane.Json("""{"apis":["echo"]}"""))).IsSuccessStatusCode);
            var expiry = DateTimeOffset.UtcNow.AddDays(2).ToString("O");
            var issued = await admin.PostAsync("/gateways/gw1/token", TestPlane.Json($$"""{"keyType":"primary","expiry":"{{expiry}}"}"""));
            var token = JsonNode.Parse(await issued.Content.ReadAsStringAsync())!["value"]!.GetValue<string>();

            using var gateway = new HttpClient { BaseAddress = plane.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            gateway.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
            var etag = (await gateway.GetAsync(SyncProtocol.SnapshotPath("gw1"))).Headers.ETag!.Tag;
            var polls = Enumerable.Range(0, 3).Select(_ =>
            {
                var poll = new HttpRequestMessage(HttpMethod.Get, SyncProtocol.SnapshotPath("gw1") + "?wait=60");
                poll.Headers.TryAddWithoutValidation("If-None-Match", etag);
                return gateway.SendAsync(poll);
            }).ToList();
            var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
            while (HeldPolls(plane.Output) < polls.Count && DateTimeOffset.UtcNow < deadline && !polls.Any(p => p.IsCompleted))
            {
                await Task.Delay(50);
            }

            Assert.Equal(polls.Count, HeldPolls(plane.Output));
            Assert.All(polls, p => Assert.False(p.IsCompleted, "polls for an unchanged revision are held"));

            plane.SendSigterm();

            // The polls asked for 60 s; answers well before that can only come from the stopping plane.
            var answers = await Task.WhenAll(polls).WaitAsync(TimeSpan.FromSeconds(40));
            Assert.All(answers, a => Assert.Equal(304, (int)a.StatusCode));
            Assert.All(answers, a => Assert.Equal(etag, a.Headers.ETag!.Tag));
            Assert.Equal(0, await plane.WaitForExitAsync(TimeSpan.FromSeconds(40)));
        }
        finally
        {
            await plane.DisposeAsync();
        }
    }

    private static int HeldPolls(string output) =>
        output.Split('\n').Count(line => line.Contains("Holding a long poll of gateway gw1", StringComparison.Ordinal));
}
