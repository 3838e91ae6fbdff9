using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry.Otlp;
using Google.Protobuf;
using Grpc.Net.Client;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

/// <summary>
/// The test receivers themselves, minimally: the Prometheus parser is strict (so "/metrics parses" means something),
/// and the OTLP and ingestion receivers decode hand-made payloads over each transport. That they decode what the real
/// exporters send is proven by the exporter tests that drive the AOT binaries against them.
/// </summary>
public sealed class TelemetryReceiverTests
{
    private const string Valid = """
        # HELP edgegateway_requests_total Requests answered, with a \\ and a\nnew line.
        # TYPE edgegateway_requests_total counter
        edgegateway_requests_total{edgegateway_api_id="echo",edgegateway_status_class="2xx"} 3
        edgegateway_requests_total{edgegateway_api_id="say \"hi\"\\",edgegateway_status_class="4xx",} 1 1700000000000
        # some other comment
        # TYPE edgegateway_request_duration_seconds histogram
        edgegateway_request_duration_seconds_bucket{edgegateway_api_id="echo",le="0.005"} 1
        edgegateway_request_duration_seconds_bucket{edgegateway_api_id="echo",le="+Inf"} 3
        edgegateway_request_duration_seconds_sum{edgegateway_api_id="echo"} 0.25
        edgegateway_request_duration_seconds_count{edgegateway_api_id="echo"} 3
        process_gauge NaN
        other_gauge -Inf

        """;

    [Fact]
    public void PrometheusParse_ValidExposition_ReadsTypesLabelsAndSpecialValues()
    {
        var scrape = PrometheusText.Parse(Valid.ReplaceLineEndings("\n"));

        Assert.Equal("counter", scrape.Family("edgegateway_requests_total")!.Type);
        Assert.Equal("Requests answered, with a \\ and a\nnew line.", scrape.Family("edgegateway_requests_total")!.Help);
        Assert.Equal(4, scrape.Sum("edgegateway_requests_total"));
        Assert.Equal(1, scrape.Sum("edgegateway_requests_total", ("edgegateway_api_id", "say \"hi\"\\")));
        Assert.Equal(1700000000000, scrape.Find("edgegateway_requests_total", ("edgegateway_status_class", "4xx")).Single().Timestamp);
        Assert.Equal("histogram", scrape.Family("edgegateway_request_duration_seconds")!.Type);
        Assert.Equal(3, scrape.Sum("edgegateway_request_duration_seconds_bucket", ("le", "+Inf")));
        Assert.True(double.IsNaN(scrape.Sum("process_gauge")));
        Assert.Equal(double.NegativeInfinity, scrape.Sum("other_gauge"));
        Assert.Equal("untyped", scrape.Family("process_gauge")!.Type);
    }

    [Theory]
    [InlineData("edgegateway_requests_total{api=\"echo\"} three\n", "not a sample value")]
    [InlineData("edgegateway_requests_total{api=\"echo} 1\n", "not closed")]
    [InlineData("edgegateway_requests_total{api=\"a\\x\"} 1\n", "unknown escape")]
    [InlineData("edgegateway_requests_total{api=\"a\",api=\"b\"} 1\n", "given twice")]
    [InlineData("edgegateway_requests_total{1api=\"a\"} 1\n", "label name")]
    [InlineData("edgegateway-requests 1\n", "blank and a value")]
    [InlineData("edgegateway_requests_total 1 2 3\n", "after the timestamp")]
    [InlineData("edgegateway_requests_total 1", "line feed")]
    [InlineData("# TYPE x countr\nx 1\n", "unknown type")]
    [InlineData("x 1\n# TYPE x counter\n", "after its samples")]
    [InlineData("x{a=\"1\"} 1\ny 1\nx{a=\"2\"} 1\n", "not one group")]
    [InlineData("x{a=\"1\",b=\"2\"} 1\nx{b=\"2\",a=\"1\"} 2\n", "repeated series")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "+Inf bucket")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "fewer than")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "is not _count")]
    public void PrometheusParse_MalformedExposition_FailsNamingTheProblem(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => PrometheusText.Parse(text));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtlpReceiver_HttpProtobufAndGrpcExports_DecodedWithTransportAndHeaders()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var traceId = ByteString.CopyFrom(Convert.FromHexString("0af7651916cd43dd8448eb211c80319c"));
        var span = new Span
        {
            TraceId = traceId,
            SpanId = ByteString.CopyFrom(Convert.FromHexString("b7ad6b7169203331")),
            ParentSpanId = ByteString.CopyFrom(Convert.FromHexString("00f067aa0ba902b7")),
            Name = "GET /echo",
            Kind = Span.Types.SpanKind.Server,
            Attributes = { new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 502 } } },
        };
        var traces = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "edgegateway" } } } },
                    ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "EdgeGateway" }, Spans = { span } } },
                },
            },
        };
        var metrics = new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                new ResourceMetrics
                {
                    ScopeMetrics =
                    {
                        new ScopeMetrics
                        {
                            Metrics =
                            {
                                new Otlp.Metric
                                {
                                    Name = "edgegateway.requests",
                                    Sum = new Sum { IsMonotonic = true, DataPoints = { new NumberDataPoint { AsInt = 7 } } },
                                },
                            },
                        },
                    },
                },
            },
        };

        using (var http = new HttpClient())
        {
            using var content = new ByteArrayContent(Gzip(traces.ToByteArray()));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            content.Headers.ContentEncoding.Add("gzip");
            using var request = new HttpRequestMessage(HttpMethod.Post, receiver.HttpEndpoint + "/v1/traces") { Content = content };
            request.Headers.Add("x-tenant", "a");
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
        }

        using (var channel = GrpcChannel.ForAddress(receiver.GrpcEndpoint))
        {
            await new MetricsService.MetricsServiceClient(channel).ExportAsync(metrics, new global::Grpc.Core.Metadata { { "x-tenant", "b" } });
        }

        var received = await receiver.WaitForSpanAsync(s => s.Name == "GET /echo");
        var metric = await receiver.WaitForMetricAsync("edgegateway.requests", m => m.Total() == 7);
        Assert.Equal(("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "00f067aa0ba902b7"), (received.TraceId, received.SpanId, received.ParentSpanId));
        Assert.Equal(("server", "502", "EdgeGateway", "edgegateway"), (received.Kind, received.Attributes["http.response.status_code"], received.Scope, received.Resource["service.name"]));
        Assert.Equal(("sum", true), (metric.Kind, metric.IsMonotonic));
        Assert.Equal([("http", "traces", "a"), ("grpc", "metrics", "b")], receiver.Exports.Select(e => (e.Transport, e.Signal, e.Headers["x-tenant"])));
        Assert.Empty(receiver.Rejected);
    }

    [Fact]
    public async Task AzureMonitorReceiver_GzipNdjsonBatch_DecodedAndAcknowledgedAsTheIngestionEndpointDoes()
    {
        await using var receiver = await AzureMonitorReceiver.StartAsync();
        var batch = """
            {"ver":1,"name":"Request","time":"2026-12-01T00:00:00Z","iKey":"k","tags":{"ai.operation.id":"0af7651916cd43dd8448eb211c80319c","ai.cloud.role":"edgegateway"},"data":{"baseType":"RequestData","baseData":{"ver":2,"id":"b7ad6b7169203331","name":"GET /echo","duration":"00:00:00.0100000","success":false,"responseCode":"502","properties":{"edgegateway.api.id":"echo"}}}}
            {"ver":1,"name":"Metric","time":"2026-12-01T00:00:00Z","iKey":"k","tags":{},"data":{"baseType":"MetricData","baseData":{"ver":2,"metrics":[{"name":"edgegateway.requests","value":3,"count":1}],"properties":{"edgegateway.status_class":"5xx"}}}}
            """.ReplaceLineEndings("\n");

        using var http = new HttpClient();
        using var content = new ByteArrayContent(Gzip(Encoding.UTF8.GetBytes(batch)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        var response = await http.PostAsync(receiver.Url + "/v2.1/track", content);

        Assert.Equal("""{"itemsReceived":2,"itemsAccepted":2,"errors":[]}""", await response.Content.ReadAsStringAsync());
        var request = await receiver.WaitForAsync(i => i.Name == "Request");
        Assert.Equal(("GET /echo", "502", "false", "echo"), (request.Data("name"), request.Data("responseCode"), request.Data("success"), request.Property("edgegateway.api.id")));
        Assert.Equal(("0af7651916cd43dd8448eb211c80319c", "edgegateway"), (request.OperationId, request.CloudRole));
        var metric = await receiver.WaitForMetricAsync("edgegateway.requests");
        Assert.Equal((3d, "5xx"), (metric.Metrics.Single().Value, metric.Property("edgegateway.status_class")));
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }
}
