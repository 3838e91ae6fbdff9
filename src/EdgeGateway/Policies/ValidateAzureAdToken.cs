using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies.Jwt;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's validate-azure-ad-token: validate-jwt (<see cref="ValidateJwt"/>, the same reader, key cache and checks) with
/// what Entra ID implies. Keys come from the tenant's v2.0 discovery document at
/// <c>{Gateway:EntraAuthorityHost}/{tenantId}/v2.0/.well-known/openid-configuration</c>. The issuer must be the tenant's:
/// the document's own (v2.0 tokens: <c>{host}/{tenant GUID}/v2.0</c>) or the v1.0 form Entra puts in v1 tokens
/// (<see cref="V1Issuer"/>). Audiences are <c>audiences</c> and <c>backendApplicationIds</c> together (not checked when
/// both are empty); with <c>clientApplicationIds</c>, the token's <c>appid</c> (v1) or <c>azp</c> (v2) must be one.
/// </summary>
internal static class ValidateAzureAdToken
{
    public const string Type = "validate-azure-ad-token";

    public static readonly JwtFailure ClientNotAllowed = new("TokenClientAppIdNotAllowed", "Client application validation failed. Access denied.");

    public static PolicyStep Create(PolicyAttributes a, PolicyServices services)
    {
        try
        {
            return Build(a, services);
        }
        catch (InvalidOperationException)
        {
            // A secret named value the management plane withheld (tenant, an id, a claim): this gateway cannot evaluate the policy.
            return new Withheld();
        }
    }

    private static ValidateJwt Build(PolicyAttributes a, PolicyServices services)
    {
        string[] audiences = [.. ValidateJwt.Constants(a.Values("audiences")), .. ValidateJwt.Constants(a.Values("backendApplicationIds"))];
        var parameters = new TokenValidationParameters
        {
            ValidAudiences = audiences,
            ValidateAudience = audiences.Length > 0,
            ValidateIssuer = true,
            ClockSkew = TimeSpan.Zero,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidAlgorithms = ValidateJwt.Algorithms,
            ValidateLifetime = true,
            TryAllIssuerSigningKeys = true,
        };

        var metadata = MetadataUrl(services.EntraAuthorityHost, Tenant(ValidateJwt.Constant(a.Value("tenantId"))!));
        var keys = new OpenIdKeySource(services.OpenIdKeys.Get(metadata), parameters, [], services, Issuers);
        var reader = new JwtTokenReader(ValidateJwt.Constant(a.Value("headerName")), ValidateJwt.Constant(a.Value("queryParameterName")),
            a.Value("tokenValue"), null);
        var clients = ValidateJwt.Constants(a.Values("clientApplicationIds"));
        return new ValidateJwt(reader, keys, ValidateJwt.Claims(a), a.Int("failedValidationHttpCode") ?? StatusCodes.Status401Unauthorized,
            a.Value("failedValidationErrorMessage"), a.Text("outputTokenVariableName"), Type,
            clients.Length == 0 ? null : token => ClientCheck(token, clients));
    }

    /// <summary>The tenant's v2.0 discovery document.</summary>
    public static string MetadataUrl(Uri authorityHost, string tenant) =>
        $"{authorityHost.GetLeftPart(UriPartial.Authority)}/{Uri.EscapeDataString(tenant)}/v2.0/.well-known/openid-configuration";

    /// <summary>APIM takes a tenant id or a URL naming it (<c>https://contoso.onmicrosoft.com</c>): the host is the tenant.</summary>
    public static string Tenant(string tenantId) => EntraTenant.Normalize(tenantId);

    /// <summary>
    /// The issuers of the tenant: the document's (v2.0), and the v1.0 one Entra writes into v1 tokens of the same tenant,
    /// <c>https://sts.windows.net/{tenant GUID}/</c> (<c>https://sts.chinacloudapi.cn/{GUID}/</c> when the authority is
    /// China's). The GUID is read from the document's issuer, so a tenant given by domain name works too.
    /// </summary>
    internal static string[] Issuers(OpenIdConnectConfiguration configuration)
    {
        var issuer = configuration.Issuer;
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Segments.Length < 2)
        {
            return [issuer];
        }

        var tenant = uri.Segments[1].TrimEnd('/');
        var sts = uri.Host.EndsWith("chinacloudapi.cn", StringComparison.OrdinalIgnoreCase) ? "https://sts.chinacloudapi.cn" : "https://sts.windows.net";
        return [issuer, V1Issuer(sts, tenant)];
    }

    internal static string V1Issuer(string sts, string tenant) => $"{sts}/{tenant}/";

    private sealed class Withheld : PolicyStep
    {
        public override PolicyResult Apply(PolicyRun run) =>
            throw new InvalidOperationException("validate-azure-ad-token references a secret named value that was withheld");
    }

    private static JwtFailure? ClientCheck(JsonWebToken token, string[] clients)
    {
        var client = token.TryGetClaim("appid", out var appid) ? appid.Value : token.TryGetClaim("azp", out var azp) ? azp.Value : null;
        return client is not null && Array.IndexOf(clients, client) >= 0 ? null : ClientNotAllowed;
    }
}
