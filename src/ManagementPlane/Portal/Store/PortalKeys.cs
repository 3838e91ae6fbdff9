using System.Security.Cryptography;
using System.Text;

namespace ManagementPlane.Portal.Store;

/// <summary>
/// Where the portal's objects live in the plane's store: beside the head record, never in it, so a description or an
/// account change neither rewrites the whole state nor reaches a gateway snapshot.
/// </summary>
internal static class PortalKeys
{
    public const string AccountsPrefix = "portal/accounts/";

    public const string InvitationsPrefix = "portal/invitations/";

    public const string Settings = "portal/settings.json";

    public static string Account(string id) => $"{AccountsPrefix}{id}.json";

    public static string Api(string apiId) => $"portal/apis/{apiId.ToLowerInvariant()}.json";

    public static string Product(string productId) => $"portal/products/{productId.ToLowerInvariant()}.json";

    /// <summary>The token's SHA-256: whoever reads the store cannot use what it finds there.</summary>
    public static string Invitation(string token) => $"{InvitationsPrefix}{Sha256Hex(token)}.json";

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
