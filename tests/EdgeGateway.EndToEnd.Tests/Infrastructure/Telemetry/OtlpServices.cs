using EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry.Otlp;
using Grpc.Core;

namespace EdgeGateway.EndToEnd.Tests.Infrastructure.Telemetry;

/// <summary>The OTLP/gRPC trace service: hands each export to the <see cref="OtlpReceiver"/>.</summary>
public sealed class OtlpTraceService(OtlpReceiver receiver) : TraceService.TraceServiceBase
{
    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context) =>
        receiver.ReceiveGrpcAsync("traces", request, context, new ExportTraceServiceResponse());
}

/// <summary>The OTLP/gRPC metrics service: hands each export to the <see cref="OtlpReceiver"/>.</summary>
public sealed class OtlpMetricsService(OtlpReceiver receiver) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context) =>
        receiver.ReceiveGrpcAsync("metrics", request, context, new ExportMetricsServiceResponse());
}

/// <summary>The OTLP/gRPC logs service: hands each export to the <see cref="OtlpReceiver"/>.</summary>
public sealed class OtlpLogsService(OtlpReceiver receiver) : LogsService.LogsServiceBase
{
    public override Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context) =>
        receiver.ReceiveGrpcAsync("logs", request, context, new ExportLogsServiceResponse());
}
