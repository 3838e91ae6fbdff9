using System.Diagnostics;
using EdgeGateway.Logging;
using EdgeGateway.Proxy;
using EdgeGateway.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>
/// A gateway nobody traces pays nothing per request for tracing: ASP.NET Core's hosting has no reason to start an activity,
/// an activity nobody records gets no tags, the backend client writes no traceparent; and span names stay low-cardinality.
/// </summary>
public sealed class UnobservedRequestTests
{
    [Theory]
    [InlineData(LogLevel.Trace)]
    [InlineData(LogLevel.Information)]
    public void HostingDiagnosticsLogger_IsOffAtEveryLevel_SoHostingStartsNoActivityPerRequest(LogLevel minimum)
    {
        using var provider = new GatewayConsoleLoggerProvider(minimum, TimeProvider.System);

        // HostingApplicationDiagnostics.BeginRequest starts an Activity whenever this logger has Critical on.
        Assert.False(provider.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Critical));
        Assert.True(provider.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Warning)); // other framework logs stay
    }

    [Fact]
    public void HostingsOwnActivity_NobodyRecordsIt_GetsNoFactsOrTags_ASampledOneDoes()
    {
        // What hosting makes without a listener: new Activity(name), IsAllDataRequested true, from the unnamed default source.
        using var fallback = new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn").Start();
        Assert.True(fallback.IsAllDataRequested);

        Assert.Null(RequestTelemetry.Recorded(fallback));
        Assert.Null(new RequestFacts(fallback, DateTimeOffset.UnixEpoch).Activity);
        Assert.Equal(fallback.TraceId, new RequestFacts(fallback, DateTimeOffset.UnixEpoch).TraceId); // the access log's id still there
        fallback.Stop();

        using var source = new ActivitySource("EdgeGateway.Tests.Unobserved." + Guid.NewGuid().ToString("N"));
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var sampled = source.StartActivity("request")!;
        Assert.Same(sampled, RequestTelemetry.Recorded(sampled));
    }

    [Fact]
    public void BackendHandler_WritesTraceContextOnlyWhenAsked()
    {
        using var quiet = BackendHandler.Create(propagateTraceContext: false);
        using var tracing = BackendHandler.Create(propagateTraceContext: true);

        Assert.Null(quiet.ActivityHeadersPropagator); // no DiagnosticsHandler, no HttpRequestOut activity, the client's headers as they came
        Assert.NotNull(tracing.ActivityHeadersPropagator);
    }

    [Theory]
    [InlineData("GET", "GET /orders", "GET", null)]
    [InlineData("PATCH", "PATCH /orders", "PATCH", null)]
    [InlineData("FOO", "HTTP /orders", "_OTHER", "FOO")]
    [InlineData("get", "HTTP /orders", "_OTHER", "get")]
    public void SpanName_UnknownMethod_IsHttpAndOther_WithTheOriginalKept(string method, string name, string attribute, string? original)
    {
        using var activity = new Activity("Microsoft.AspNetCore.Hosting.HttpRequestIn");
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = "/orders/1";
        var api = new EdgeGateway.Routing.ApiRoute(new Contracts.Snapshot.ApiDefinition { Id = "orders", Path = "/orders", Backend = new() { Urls = ["http://backend"] } }, []);

        RequestTelemetry.Describe(activity, context.Request, api);

        Assert.Equal(name, activity.DisplayName);
        Assert.Equal(attribute, activity.GetTagItem("http.request.method"));
        Assert.Equal(original, activity.GetTagItem("http.request.method_original"));
    }
}
