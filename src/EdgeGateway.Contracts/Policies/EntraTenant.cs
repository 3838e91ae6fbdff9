namespace EdgeGateway.Contracts.Policies;

/// <summary>
/// validate-azure-ad-token's <c>tenantId</c>: a tenant GUID or domain name (<c>contoso.onmicrosoft.com</c>), or, as APIM
/// takes it, a URL whose host is the domain (<c>https://contoso.onmicrosoft.com</c>). One rule for both planes.
/// </summary>
public static class EntraTenant
{
    /// <summary>The tenant as it goes into the authority's path.</summary>
    public static string Normalize(string tenantId)
    {
        var text = tenantId.Trim();
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? uri.Host : text;
    }

    /// <summary>Null when <paramref name="tenantId"/> names a tenant, else why not.</summary>
    public static string? Check(string tenantId)
    {
        var tenant = Normalize(tenantId);
        if (tenant.Length is 0 or > 253 || !tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-') || tenant[0] is '.' or '-')
        {
            return $"'{tenantId}' is not a tenant: give the tenant's id (a GUID) or its domain name (contoso.onmicrosoft.com)";
        }

        return tenant is "common" or "organizations" or "consumers"
            ? $"'{tenantId}' is not one tenant: validate-azure-ad-token checks tokens of the tenant it names"
            : null;
    }
}
