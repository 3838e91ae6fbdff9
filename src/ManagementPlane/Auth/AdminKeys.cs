using System.Security.Cryptography;
using System.Text;
using ManagementPlane.Hosting;
using Microsoft.Extensions.Options;

namespace ManagementPlane.Auth;

/// <summary>
/// Checks <c>Authorization: Bearer &lt;key&gt;</c> against <c>Management:AdminKeys</c>. Both sides are hashed to the same
/// length and compared with <see cref="CryptographicOperations.FixedTimeEquals"/>, and every configured key is compared,
/// so timing reveals neither a key's content nor its length nor which key matched.
/// </summary>
internal sealed class AdminKeys(IOptions<ManagementOptions> options)
{
    private readonly Lazy<byte[][]> hashes = new(() => options.Value.AdminKeys
        .Where(k => !string.IsNullOrWhiteSpace(k))
        .Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k.Trim())))
        .ToArray());

    public bool IsAdmin(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        var match = false;
        foreach (var hash in hashes.Value)
        {
            match |= CryptographicOperations.FixedTimeEquals(given, hash);
        }

        return match;
    }
}

internal sealed class AdminAuthFilter(AdminKeys keys) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (keys.IsAdmin(header))
        {
            return next(context);
        }

        var detail = header.Length == 0
            ? "this call needs an admin key: Authorization: Bearer <key> (one of Management:AdminKeys)"
            : "the admin key is not valid (expected Authorization: Bearer <one of Management:AdminKeys>)";
        return ValueTask.FromResult<object?>(Problems.Unauthorized(detail, "Bearer"));
    }
}

internal static class AdminAuthExtensions
{
    /// <summary>Every endpoint in the group needs an admin key.</summary>
    public static RouteGroupBuilder RequireAdminKey(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<AdminAuthFilter>();
        group.WithMetadata(new CredentialMetadata(CredentialMetadata.AdminKey));
        group.ProducesProblem(StatusCodes.Status401Unauthorized);
        return group;
    }
}
