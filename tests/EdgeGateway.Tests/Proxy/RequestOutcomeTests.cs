using System.Text.Json;
using Alba;
using EdgeGateway.Configuration;
using EdgeGateway.Proxy;
using EdgeGateway.Telemetry;
using EdgeGateway.Tests.Hosting;
using EdgeGateway.Tests.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;

namespace EdgeGateway.Tests.Proxy;

/// <summary>
/// Requests that end outside the usual path, as every view records them (the fleet window, the access log): a handler that
/// throws is the 500 Kestrel answers, not the 200 still set when it threw; a 503 before the first config is logged too.
/// </summary>
[Collection(nameof(EnvironmentSensitive))]
public sealed class RequestOutcomeTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly string folder = Directory.CreateTempSubdirectory("eg-outcome-").FullName;
    private readonly LineCapture throwingLines = new();
    private readonly LineCapture notReadyLines = new();
    private IAlbaHost throwing = null!;
    private IAlbaHost notReady = null!;

    public async Task InitializeAsync()
    {
        var config = Path.Combine(folder, "gateway.json");
        await File.WriteAllTextAsync(config, """
            { "schemaVersion": 1, "revision": 1,
              "apis": [ { "id": "boom", "path": "/boom", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] } } ] }
            """);
        Environment.SetEnvironmentVariable("Gateway__ConfigFile", config);
        Environment.SetEnvironmentVariable("Telemetry__AccessLog__Enabled", "true");
        throwing = await AlbaHost.For<Program>(b => b.ConfigureServices(s =>
        {
            s.AddSingleton(new AccessLogSink(throwingLines));
            s.AddSingleton<IHttpForwarder>(new ThrowingForwarder());
        }));

        // The handler reads this (empty) state: no config applied yet, as a hybrid gateway waiting for its plane.
        notReady = await AlbaHost.For<Program>(b => b.ConfigureServices(s =>
        {
            s.AddSingleton(new AccessLogSink(notReadyLines));
            s.AddSingleton(new ConfigState(TimeProvider.System));
        }));
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable("Gateway__ConfigFile", null);
        Environment.SetEnvironmentVariable("Telemetry__AccessLog__Enabled", null);
        await throwing.DisposeAsync();
        await notReady.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task HandlerThrows_RecordedAs500Failure_NotA200Success()
    {
        using var client = throwing.Server.CreateClient();
        try
        {
            using var response = await client.GetAsync("/boom/x");
            Assert.Equal(500, (int)response.StatusCode);
        }
        catch (InvalidOperationException ex) when (ex.Message == ThrowingForwarder.Message)
        {
            // The test server hands the application's exception to the caller instead of a 500: what Kestrel answers is 500.
        }

        var counters = throwing.Services.GetRequiredService<RequestCounters>();
        Assert.Equal(1, counters.Total);
        Assert.Equal(1, counters.Failed);
        var line = await LineAsync(throwingLines);
        Assert.Equal(500, line.GetProperty("ResponseCode").GetInt32());
        Assert.False(line.GetProperty("IsRequestSuccess").GetBoolean());
        Assert.Equal(typeof(InvalidOperationException).FullName, line.GetProperty("LastErrorReason").GetString());
    }

    [Fact]
    public async Task NotReady_503_IsInTheAccessLog()
    {
        using var client = notReady.Server.CreateClient();

        using var response = await client.GetAsync("/boom/x?subscription-key=k-secret");

        Assert.Equal(503, (int)response.StatusCode);
        var line = await LineAsync(notReadyLines);
        Assert.Equal(503, line.GetProperty("ResponseCode").GetInt32());
        Assert.False(line.TryGetProperty("ApiId", out _));
        Assert.EndsWith("/boom/x", line.GetProperty("Url").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> LineAsync(LineCapture lines)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (lines.Lines.Length == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return JsonDocument.Parse(Assert.Single(lines.Lines)).RootElement;
    }

    private sealed class ThrowingForwarder : IHttpForwarder
    {
        public const string Message = "a bug in the request path";

        public ValueTask<ForwarderError> SendAsync(HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient,
            ForwarderRequestConfig requestConfig, HttpTransformer transformer) => throw new InvalidOperationException(Message);

        public ValueTask<ForwarderError> SendAsync(HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient,
            ForwarderRequestConfig requestConfig, HttpTransformer transformer, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(Message);
    }
}
