using System.Text.Json.Serialization;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Sync;
using ManagementPlane.Config;
using ManagementPlane.Import;
using ManagementPlane.Resources;
using ManagementPlane.State;
using ManagementPlane.Sync;
using Microsoft.AspNetCore.Mvc;

namespace ManagementPlane.Hosting;

/// <summary>Every request and response body of the management API (source-generated; unknown request fields are errors).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(ApiDefinition))]
[JsonSerializable(typeof(OperationDefinition))]
[JsonSerializable(typeof(ProductDefinition))]
[JsonSerializable(typeof(PolicySet))]
[JsonSerializable(typeof(PolicyFragment))]
[JsonSerializable(typeof(ResourceList<PolicyFragment>))]
[JsonSerializable(typeof(ImportResult))]
[JsonSerializable(typeof(ManagementPlane.Import.ApiOps.MigrationReport))]
[JsonSerializable(typeof(ResourceList<ApiDefinition>))]
[JsonSerializable(typeof(ResourceList<OperationDefinition>))]
[JsonSerializable(typeof(ResourceList<ProductDefinition>))]
[JsonSerializable(typeof(ResourceList<NamedValueResource>))]
[JsonSerializable(typeof(ResourceList<SubscriptionResource>))]
[JsonSerializable(typeof(ResourceList<GatewayResource>))]
[JsonSerializable(typeof(NamedValueRequest))]
[JsonSerializable(typeof(ResourceList<CertificateResource>))]
[JsonSerializable(typeof(CertificateRequest))]
[JsonSerializable(typeof(CertificateResource))]
[JsonSerializable(typeof(NamedValueResource))]
[JsonSerializable(typeof(NamedValueSecret))]
[JsonSerializable(typeof(SubscriptionRequest))]
[JsonSerializable(typeof(SubscriptionResource))]
[JsonSerializable(typeof(SubscriptionSecrets))]
[JsonSerializable(typeof(GatewayRequest))]
[JsonSerializable(typeof(GatewayResource))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(RegenerateKeyRequest))]
[JsonSerializable(typeof(ConfigDocument))]
[JsonSerializable(typeof(ConfigApplyResult))]
[JsonSerializable(typeof(HeartbeatRequest))]
[JsonSerializable(typeof(GatewayStatus))]
internal sealed partial class ApiJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context every answer is written with: as <see cref="Default"/>, but escaping only what JSON requires, because
    /// answers are read and pasted by people (a token holds '&amp;', keys hold '+'). Safe: the API answers application/json, never HTML.
    /// </summary>
    public static ApiJsonContext Api => Relaxed.Context;

    // A holder of its own: the generated statics (Default) are initialised only once this class's initialiser has run.
    private static class Relaxed
    {
        public static readonly ApiJsonContext Context = new(new System.Text.Json.JsonSerializerOptions(
            Default.GeneratedSerializerOptions ?? throw new InvalidOperationException("the source generator sets the options"))
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }
}
