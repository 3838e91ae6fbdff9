using System.Diagnostics.Metrics;
using System.Text.Json;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.Diagnostics;
using ManagementPlane.Sync;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ManagementPlane.Tests.Sync;

/// <summary>
/// The fleet view: the traffic windows heartbeats carry, shown per instance and summed over current instances in
/// <c>GET /gateways/{id}/status</c>; bad windows refused with a problem; the plane's instance gauge and refusal counter.
/// </summary>
public sealed class FleetTrafficTests
{
    private static string Buckets(params (double Ms, long Count)[] groups)
    {
        var buckets = new long[TrafficBuckets.Count];
        foreach (var (ms, count) in groups)
        {
            buckets[TrafficBuckets.IndexOf(ms)] += count;
        }

        return JsonSerializer.Serialize(buckets, SyncJsonContext.Default.Int64Array);
    }

    private static Task<HttpResponseMessage> BeatAsync(TestPlane plane, string token, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, SyncProtocol.HeartbeatPath("gw1")) { Content = TestPlane.Json(body) };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        return plane.Anonymous.SendAsync(request);
    }

    [Fact]
    public async Task Status_InstancesWithTraffic_ShowsEachWindow_AndTheSumOfTheCurrentOnes_WithP95FromMergedBuckets()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var plane = await TestPlane.StartAsync(
            settings: new() { ["Management:HeartbeatInterval"] = "00:01:00" },
            services: s => s.AddSingleton<TimeProvider>(clock));
        var token = await plane.SeedGatewayAsync();
        Assert.Equal(204, (int)(await BeatAsync(plane, token, $$$"""
            {"instanceId":"went-quiet","traffic":{"windowSeconds":60,"requests":1000,"errors":500,"rejections":0,"p95Ms":5000,"durationBuckets":{{{Buckets((5000, 1000))}}} }}
            """)).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(204, (int)(await BeatAsync(plane, token, $$$"""
            {"instanceId":"fast","traffic":{"windowSeconds":10,"requests":100,"errors":2,"rejections":3,"p95Ms":1,"durationBuckets":{{{Buckets((1, 100))}}} }}
            """)).StatusCode);
        Assert.Equal(204, (int)(await BeatAsync(plane, token, $$$"""
            {"instanceId":"slow","traffic":{"windowSeconds":5,"requests":10,"errors":1,"rejections":0,"p95Ms":400,"durationBuckets":{{{Buckets((400, 10))}}} }}
            """)).StatusCode);
        Assert.Equal(204, (int)(await BeatAsync(plane, token, """{"instanceId":"older-gateway"}""")).StatusCode);

        var status = await plane.GetJsonAsync("/gateways/gw1/status");

        var instances = status["instances"]!.AsArray().ToDictionary(i => i!["instanceId"]!.GetValue<string>());
        var fast = instances["fast"]!["traffic"]!;
        Assert.Equal(10, fast["windowSeconds"]!.GetValue<double>());
        Assert.Equal(100, fast["requests"]!.GetValue<long>());
        Assert.Equal(2, fast["errors"]!.GetValue<long>());
        Assert.Equal(3, fast["rejections"]!.GetValue<long>());
        Assert.Equal(1, fast["p95Ms"]!.GetValue<double>());
        Assert.Equal(10, fast["requestsPerSecond"]!.GetValue<double>());
        Assert.Equal("stale", instances["went-quiet"]!["state"]!.GetValue<string>());
        Assert.Equal(1000, instances["went-quiet"]!["traffic"]!["requests"]!.GetValue<long>());
        Assert.Null(instances["older-gateway"]!["traffic"]);

        // Summed over the current instances only (fast and slow): the stale one's old window is not today's traffic.
        var sum = status["traffic"]!;
        Assert.Equal(2, sum["instances"]!.GetValue<int>());
        Assert.Equal(110, sum["requests"]!.GetValue<long>());
        Assert.Equal(3, sum["errors"]!.GetValue<long>());
        Assert.Equal(3, sum["rejections"]!.GetValue<long>());
        Assert.Equal(12, sum["requestsPerSecond"]!.GetValue<double>());
        // 110 requests: the 105th is one of the 10 slow ones, so the fleet's p95 is about 400 ms (an average of p95s would say 200).
        Assert.InRange(sum["p95Ms"]!.GetValue<double>(), 400 / Math.Sqrt(2), 400 * Math.Sqrt(2));
    }

    [Fact]
    public async Task Status_NoInstanceReportsTraffic_HasNoTrafficSum()
    {
        await using var plane = await TestPlane.StartAsync();
        var token = await plane.SeedGatewayAsync();
        Assert.Equal(204, (int)(await BeatAsync(plane, token, """{"instanceId":"older-gateway"}""")).StatusCode);

        Assert.Null((await plane.GetJsonAsync("/gateways/gw1/status"))["traffic"]);
    }

    [Theory]
    [InlineData("""{"windowSeconds":10,"requests":-1}""", "traffic.requests", "invalid_traffic")]
    [InlineData("""{"windowSeconds":10,"requests":2000000000000000000}""", "traffic.requests", "invalid_traffic")]
    [InlineData("""{"windowSeconds":10,"rejections":200000000000000}""", "traffic.rejections", "invalid_traffic")]
    [InlineData("""{"windowSeconds":-10,"requests":1}""", "traffic.windowSeconds", "invalid_traffic")]
    [InlineData("""{"windowSeconds":10,"errors":-3}""", "traffic.errors", "invalid_traffic")]
    [InlineData("""{"windowSeconds":10,"rejections":-3}""", "traffic.rejections", "invalid_traffic")]
    [InlineData("""{"windowSeconds":10,"p95Ms":-0.5}""", "traffic.p95Ms", "invalid_traffic")]
    [InlineData("""{"windowSeconds":10,"durationBuckets":[1,2,3]}""", "traffic.durationBuckets", "invalid_traffic")]
    [InlineData("""{"windowSeconds":10,"durationBuckets":[0,0,0,0,0,0,0,-5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}""", "traffic.durationBuckets[7]", "invalid_traffic")]
    // Each bucket within the cap, their sum (4e14) not: 10,000 instances of it would overflow the fleet's merged total.
    [InlineData("""{"windowSeconds":10,"durationBuckets":[10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000,10000000000000]}""", "must add up to at most", "invalid_traffic")]
    [InlineData("""{"windowSeconds":"NaN"}""", "windowSeconds", "invalid_body")]
    [InlineData("""{"windowSeconds":1e400}""", "traffic.windowSeconds", "invalid_traffic")] // read as infinity
    public async Task Heartbeat_ImpossibleTraffic_400ProblemNamingTheField_NothingStored(string traffic, string field, string reason)
    {
        await using var plane = await TestPlane.StartAsync();
        var token = await plane.SeedGatewayAsync();
        var store = plane.Host.Services.GetRequiredService<HeartbeatStore>();
        long refused = 0;
        using var listener = new MeterListener
        {
            // This plane's store only: other tests' planes (some sending invalid bodies) count on their own meters.
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == store.Meter && instrument.Name == ManagementTelemetry.HeartbeatsRejected)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "reason", Value: string r } && r == reason)
                {
                    Interlocked.Add(ref refused, value);
                }
            }
        });
        listener.Start();

        var problem = await Problem.AssertAsync(await BeatAsync(plane, token, """{"instanceId":"buggy","traffic":""" + traffic + "}"), 400);

        Assert.Contains(field, problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty((await plane.GetJsonAsync("/gateways/gw1/status"))["instances"]!.AsArray());
        Assert.Equal(1, Interlocked.Read(ref refused));
    }

    [Fact]
    public async Task InstancesGauge_CountsInstancesByGatewayAndState()
    {
        await using var plane = await TestPlane.StartAsync();
        var token = await plane.SeedGatewayAsync();
        Assert.Equal(204, (int)(await BeatAsync(plane, token, """{"instanceId":"a"}""")).StatusCode);
        Assert.Equal(204, (int)(await BeatAsync(plane, token, """{"instanceId":"b"}""")).StatusCode);
        Assert.Equal(204, (int)(await BeatAsync(plane, token, """{"instanceId":"c","stopping":true}""")).StatusCode);
        var store = plane.Host.Services.GetRequiredService<HeartbeatStore>();
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            // This plane's store only: other tests' planes publish the same instrument in this process.
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == store.Meter && instrument.Name == ManagementTelemetry.InstancesGauge)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(p => p.Key, p => p.Value as string);
            seen[$"{t["gateway"]}/{t["state"]}"] = value;
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(2, seen["gw1/current"]);
        Assert.Equal(1, seen["gw1/stopped"]);
        Assert.Equal(0, seen["gw1/stale"]);
        Assert.Equal(0, seen["gw1/gone"]);
    }

    [Fact]
    public async Task OpenApiDocument_GatewayStatus_DescribesTheTrafficFields()
    {
        await using var plane = await TestPlane.StartAsync();
        var document = System.Text.Json.Nodes.JsonNode.Parse(await plane.Anonymous.GetStringAsync("/openapi/v1.json"))!;
        var schemas = document["components"]!["schemas"]!.AsObject();

        Assert.NotNull(schemas["GatewayStatus"]!["properties"]!["traffic"]);
        Assert.NotNull(schemas["InstanceStatus"]!["properties"]!["traffic"]);
        var traffic = schemas["TrafficStatus"]!["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["errors", "instances", "p95Ms", "rejections", "requests", "requestsPerSecond", "windowSeconds"], traffic);
    }
}
