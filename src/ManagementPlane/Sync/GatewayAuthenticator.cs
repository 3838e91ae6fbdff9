using EdgeGateway.Contracts.Sync;
using ManagementPlane.Hosting;
using ManagementPlane.Resources;
using ManagementPlane.State;

namespace ManagementPlane.Sync;

/// <summary>Checks <c>Authorization: GatewayKey …</c> for one gateway id against its current primary and secondary keys.</summary>
internal sealed class GatewayAuthenticator(SecretProtector protector, TimeProvider time)
{
    private StoredGateway? standIn;

    /// <summary>The signature and expiry check; a seam for tests that prove an unknown id does the same work.</summary>
    internal Func<GatewayToken, string, DateTimeOffset, string?, string?, GatewayTokenCheck> TokenCheck { get; init; } =
        static (token, gatewayId, now, primary, secondary) => token.Verify(gatewayId, now, primary, secondary);

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
            var mistake = GatewayToken.CopyMistake(header) is { } hint ? $": {hint}" : "";
            return Unauthorized($"invalid token: not of the form 'GatewayKey <id>&<yyyyMMddHHmm>&<base64 signature>'{mistake}");
        }

        // An unknown id is checked against a stand-in gateway's keys (two decryptions, the HMACs), so that how long
        // the answer takes does not tell which gateway ids exist; the answer is the same as for a bad signature.
        var keys = gateway ?? (standIn ??= GatewayEndpoints.NewGateway("unknown-gateway", protector));
        var check = TokenCheck(token!, gateway?.Id ?? id, time.GetUtcNow(),
            protector.Unprotect(keys.PrimaryKeyProtected, GatewayEndpoints.Purpose(keys.Id, true)),
            protector.Unprotect(keys.SecondaryKeyProtected, GatewayEndpoints.Purpose(keys.Id, false)));
        if (gateway is null)
        {
            return Unauthorized($"invalid token for gateway '{id}': not signed by a current key of this gateway (regenerated key?); issue a new token");
        }

        return check switch
        {
            GatewayTokenCheck.Valid => null,
            GatewayTokenCheck.Expired => Unauthorized($"expired token: it expired at {token!.Expiry:yyyy-MM-ddTHH:mmZ}; issue a new one (POST /gateways/{gateway.Id}/token) and set ManagementPlane:Token"),
            GatewayTokenCheck.WrongGateway => Unauthorized($"invalid token: it was issued for gateway '{token!.GatewayId}', not '{gateway.Id}'"),
            _ => Unauthorized($"invalid token for gateway '{gateway.Id}': not signed by a current key of this gateway (regenerated key?); issue a new token"),
        };
    }

    private static IResult Unauthorized(string detail) => Problems.Unauthorized(detail, GatewayToken.Scheme);
}
