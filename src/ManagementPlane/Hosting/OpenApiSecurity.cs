using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ManagementPlane.Hosting;

/// <summary>Endpoint metadata naming the credential an endpoint needs, so the OpenAPI document says it too.</summary>
internal sealed record CredentialMetadata(string Scheme)
{
    public const string AdminKey = "AdminKey";
    public const string GatewayToken = "GatewayToken";
}

internal static class OpenApiSecurity
{
    public static void Describe(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[CredentialMetadata.AdminKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "One of Management:AdminKeys: Authorization: Bearer <key>",
            };
            document.Components.SecuritySchemes[CredentialMetadata.GatewayToken] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "Authorization",
                Description = "The gateway's token from POST /gateways/{id}/token: Authorization: GatewayKey <id>&<expiry>&<signature>",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var credential = context.Description.ActionDescriptor.EndpointMetadata.OfType<CredentialMetadata>().LastOrDefault();
            if (credential is not null)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(credential.Scheme, context.Document)] = [] }];
            }

            return Task.CompletedTask;
        });
    }
}
