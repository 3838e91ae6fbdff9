using EdgeGateway.Contracts.Sync;
using ManagementPlane.Hosting;
using ManagementPlane.Resources;
using ManagementPlane.State;

namespace ManagementPlane.Sync;

/// <summary>Checks <c>Authorization: GatewayKey …</c> for one gateway id against its current primary and secondary keys.</summary>
internal sealed class GatewayAuthenticator(SecretProtector protector, TimeProvider time)
{
    /// <summary>Null when the token is valid for <paramref name="gateway"/>; otherwise the 401 problem (saying expired or invalid).</summary>
    public IResult? Check(HttpContext context, StoredGateway? gateway, string id)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return Unauthorized("this call needs the gateway's token: Authorization: GatewayKey <id>&<expiry>&<signature> (POST /gateways/{id}/token)");
        }

        if (!GatewayToken.TryParse(header, out var token) || !header.TrimStart().StartsWith(GatewayToken.Scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            return Unauthorized("invalid token: not of the form 'GatewayKey <id>&<yyyyMMddHHmm>&<base64 signature>'");
        }

        if (gateway is null)
        {
            // Same answer as a bad signature: do not reveal which gateway ids exist.
            return Unauthorized($"invalid token for gateway '{id}': not signed by a current key of this gateway (regenerated key?); issue a new token");
        }

        var check = token!.Verify(gateway.Id, time.GetUtcNow(),
            protector.Unprotect(gateway.PrimaryKeyProtected, GatewayEndpoints.Purpose(gateway.Id, true)),
            protector.Unprotect(gateway.SecondaryKeyProtected, GatewayEndpoints.Purpose(gateway.Id, false)));
        return check switch
        {
            GatewayTokenCheck.Valid => null,
            GatewayTokenCheck.Expired => Unauthorized($"expired token: it expired at {token.Expiry:yyyy-MM-ddTHH:mmZ}; issue a new one (POST /gateways/{gateway.Id}/token) and set ManagementPlane:Token"),
            GatewayTokenCheck.WrongGateway => Unauthorized($"invalid token: it was issued for gateway '{token.GatewayId}', not '{gateway.Id}'"),
            _ => Unauthorized($"invalid token for gateway '{gateway.Id}': not signed by a current key of this gateway (regenerated key?); issue a new token"),
        };
    }

    private static IResult Unauthorized(string detail) => Problems.Unauthorized(detail, GatewayToken.Scheme);
}
