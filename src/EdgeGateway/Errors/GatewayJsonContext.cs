using System.Text.Json.Serialization;
using EdgeGateway.Health;

namespace EdgeGateway.Errors;

/// <summary>Every JSON body the gateway writes itself (source-generated: AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(StatusBody))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;

/// <summary>APIM's error shape: <c>{ "statusCode": 401, "message": "..." }</c>.</summary>
internal sealed record ErrorBody(int StatusCode, string Message);
