using ManagementPlane.State;

namespace ManagementPlane.Snapshots;

/// <summary><c>GET /signing-key</c>: the public key as PEM, verbatim usable as the gateway's <c>Trust:SigningKey</c>. Public information: no auth.</summary>
internal static class SigningKeyEndpoints
{
    public static IEndpointRouteBuilder MapSigningKey(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signing-key", (KeyRing keys) => Results.Text(keys.PublicKeyPem, "text/plain"))
            .Produces<string>(200, "text/plain")
            .WithDescription("The snapshot-signing public key (PEM); set it as the gateway's Trust:SigningKey.");
        return app;
    }
}
