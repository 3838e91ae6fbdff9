using System.Net;
using System.Text;
using EdgeGateway.EndToEnd.Tests.Infrastructure;

namespace EdgeGateway.EndToEnd.Tests;

/// <summary>
/// Gateway:InlineScheduling: by default a request runs on the socket thread that read it (no thread-pool hop); with
/// <c>false</c> it hops as Kestrel does by default. Both must proxy many concurrent requests, with bodies both ways and a
/// policy that awaits, each answer to its own request.
/// </summary>
public sealed class SchedulingTests : IAsyncLifetime
{
    private readonly ConfigFolder folder = new();
    private TestBackend backend = null!;

    public async Task InitializeAsync() => backend = await TestBackend.StartAsync("s");

    public async Task DisposeAsync()
    {
        await backend.DisposeAsync();
        folder.Dispose();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    [InlineData("true")]
    public async Task ConcurrentRequests_EachGetsItsOwnAnswer(string? inline)
    {
        folder.Write($$"""
            { "schemaVersion": 1, "apis": [ { "id": "s", "path": "/s", "subscriptionRequired": true,
              "backend": { "urls": ["{{backend.Url}}"] },
              "policies": { "inbound": [
                { "type": "rate-limit-by-key", "calls": 1000000, "renewalPeriod": 60, "counterKey": "@(context.Subscription.Id)" },
                { "type": "set-header", "name": "X-Seen", "value": "@(context.Request.Headers.GetValueOrDefault(\"X-N\", \"\"))" } ] } } ],
              "subscriptions": [ { "id": "sub", "scope": "apis", "primaryKey": "k-1" } ] }
            """);
        var env = inline is null ? null : new Dictionary<string, string> { ["Gateway__InlineScheduling"] = inline };
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: env);

        var calls = Enumerable.Range(0, 200).Select(async n =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/s/item/{n}")
            {
                Content = new StringContent(new string('x', n * 37) + n, Encoding.UTF8, "text/plain"),
            };
            request.Headers.Add("Ocp-Apim-Subscription-Key", "k-1");
            request.Headers.Add("X-N", n.ToString());
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var echo = await Echo.ReadAsync(response);
            Assert.Equal($"/item/{n}", echo.Path);
            Assert.Equal(new string('x', n * 37) + n, echo.Body);
            Assert.Equal(n.ToString(), echo.Headers["x-seen"]);
        });
        await Task.WhenAll(calls);

        using var refused = await gateway.Client.GetAsync("/s/item/1");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
