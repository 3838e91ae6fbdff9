using System.Net;
using EdgeGateway.EndToEnd.Tests.Infrastructure;
using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

namespace EdgeGateway.EndToEnd.Tests.Telemetry;

/// <summary>
/// The AOT gateway and plane send to a stand-in for Application Insights' ingestion endpoint (the connection string's
/// IngestionEndpoint; the test decodes the gzip JSON the real exporter posts): requests with their result codes and the
/// gateway's attributes, the backend call as a dependency of the same operation, our metrics, and our logs correlated to
/// the request they were written in, each under the right cloud role. The metrics are asserted after a SIGTERM: Azure
/// Monitor's metric reader exports once a minute whatever OTEL_METRIC_EXPORT_INTERVAL says, so only the stop's flush
/// (within Telemetry:ShutdownTimeout) can have delivered them: this is also the test that a stop flushes.
/// </summary>
public sealed class AzureMonitorExportTests
{
    [Fact]
    public async Task GatewayAndPlane_SendRequestsDependenciesMetricsAndLogs_AndAStopFlushesTheMetrics()
    {
        await using var receiver = await AzureMonitorReceiver.StartAsync();
        await using var backend = await TestBackend.StartAsync();
        using var folder = new ConfigFolder();
        folder.Write(ExportScenario.Config(backend.Url));
        var env = ExportScenario.Fast(new()
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = receiver.ConnectionString,
            ["Telemetry__ShutdownTimeout"] = "00:00:20",
        });
        await using var gateway = await GatewayProcess.StartAsync(folder.ConfigFile, env: env);
        using var planeFolder = new ConfigFolder();
        await using var plane = await ManagementPlaneProcess.StartAsync(planeFolder.Path, env: env);
        await ExportScenario.ExportingAsync(gateway);
        await ExportScenario.ExportingAsync(plane);

        using var ok = await gateway.Client.GetAsync("/echo/items");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var dead = await gateway.Client.GetAsync("/dead/x");
        Assert.Equal(HttpStatusCode.BadGateway, dead.StatusCode);
        using var gateways = await plane.Admin.GetAsync("/gateways");
        Assert.Equal(HttpStatusCode.OK, gateways.StatusCode);

        var request = await receiver.WaitForAsync(i => i.Name == "Request" && i.Property("edgegateway.api.id") == "echo", "the echo request");
        Assert.True(request.Data("responseCode") == "200", request.ToString());
        Assert.StartsWith("GET ", request.Data("name"), StringComparison.Ordinal);
        Assert.Equal("edgegateway", request.CloudRole);
        Assert.Equal("7", request.Property("edgegateway.config.revision"));
        var dependency = await receiver.WaitForAsync(i => i.Name == "RemoteDependency" && i.OperationId == request.OperationId, "the backend call");
        Assert.Equal($"127.0.0.1:{backend.Port}", dependency.Data("target"));
        Assert.True(dependency.Data("resultCode") == "200", dependency.ToString());

        var failed = await receiver.WaitForAsync(i => i.Name == "Request" && i.Property("edgegateway.api.id") == "dead", "the 502 request");
        Assert.True(failed.Data("responseCode") == "502", failed.ToString());
        Assert.Equal("False", failed.Data("success"), ignoreCase: true);
        var warning = await receiver.WaitForAsync(i => i.Name == "Message" && i.OperationId == failed.OperationId
            && i.Data("message")?.Contains("dead", StringComparison.Ordinal) == true, "the backend failure's log, in the request's operation");
        Assert.Equal("Warning", warning.Data("severityLevel"));

        await receiver.WaitForAsync(i => i.Name == "Message" && i.CloudRole == "edgegateway" && i.Data("message")?.StartsWith("EdgeGateway listening on", StringComparison.Ordinal) == true,
            "the gateway's start-up line");

        var planeRequest = await receiver.WaitForAsync(i => i.Name == "Request" && i.CloudRole == "edgegateway-management" && i.Data("url")?.EndsWith("/gateways", StringComparison.Ordinal) == true, "the plane's GET /gateways");
        Assert.True(planeRequest.Data("responseCode") == "200", planeRequest.ToString());
        await receiver.WaitForAsync(i => i.Name == "Message" && i.CloudRole == "edgegateway-management"
            && i.Data("message")?.StartsWith("Telemetry export: Azure Monitor", StringComparison.Ordinal) == true, "the plane's start-up line");
        // A stop flushes: the metric reader's last collection and export happen within the shutdown, long before its
        // minute; once both processes have exited, nothing else can deliver them.
        gateway.SendSigterm();
        plane.SendSigterm();
        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await plane.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        await receiver.WaitForMetricAsync("edgegateway.requests", i => i.Property("edgegateway.api.id") == "dead" && i.Property("edgegateway.status_class") == "5xx");
        await receiver.WaitForMetricAsync("http.server.request.duration", i => i.CloudRole == "edgegateway-management");

        Assert.Empty(receiver.Rejected);
        Assert.DoesNotContain(AzureMonitorReceiver.InstrumentationKey, gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(AzureMonitorReceiver.InstrumentationKey, plane.Output, StringComparison.Ordinal);
    }
}
