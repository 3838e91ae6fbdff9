using EdgeGateway.Policies;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace EdgeGateway.Tests.Policies.Jwt;

/// <summary>Where validate-azure-ad-token looks for a tenant's keys, and which issuers it accepts for it.</summary>
public sealed class ValidateAzureAdTokenTests
{
    private const string Tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    [Theory]
    [InlineData("https://login.microsoftonline.com", Tid, $"https://login.microsoftonline.com/{Tid}/v2.0/.well-known/openid-configuration")]
    [InlineData("https://login.microsoftonline.us/", "contoso.onmicrosoft.us", "https://login.microsoftonline.us/contoso.onmicrosoft.us/v2.0/.well-known/openid-configuration")]
    [InlineData("http://127.0.0.1:5005", "https://contoso.onmicrosoft.com", "http://127.0.0.1:5005/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")]
    public void MetadataUrl_AuthorityAndTenant_TheTenantsV2Document(string authority, string tenantId, string expected)
    {
        Assert.Equal(expected, ValidateAzureAdToken.MetadataUrl(new Uri(authority), ValidateAzureAdToken.Tenant(tenantId)));
    }

    [Theory]
    [InlineData($"https://login.microsoftonline.com/{Tid}/v2.0", $"https://sts.windows.net/{Tid}/")]
    [InlineData($"https://login.microsoftonline.us/{Tid}/v2.0", $"https://sts.windows.net/{Tid}/")]
    [InlineData($"https://login.chinacloudapi.cn/{Tid}/v2.0", $"https://sts.chinacloudapi.cn/{Tid}/")]
    public void Issuers_FromTheDocument_V2IssuerAndTheTenantsV1Issuer(string documentIssuer, string v1)
    {
        Assert.Equal([documentIssuer, v1], ValidateAzureAdToken.Issuers(new OpenIdConnectConfiguration { Issuer = documentIssuer }));
    }
}
