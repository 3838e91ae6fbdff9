using System.Security.Cryptography;
using EdgeGateway.Contracts.Signing;

namespace ManagementPlane.Tests.Infrastructure;

/// <summary>
/// Real keys, generated once per test run and handed to every plane as settings, as production does
/// (planes sharing a store share them too).
/// </summary>
internal static class TestKeys
{
    public static readonly string SigningKeyPem = Generate();

    public static readonly string EncryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The settings as environment variables, for a published plane.</summary>
    public static Dictionary<string, string> Environment() => new()
    {
        ["Management__SigningKey"] = SigningKeyPem,
        ["Management__EncryptionKey"] = EncryptionKey,
    };

    private static string Generate()
    {
        using var key = SigningKeys.Generate();
        return SigningKeys.ExportPrivatePem(key);
    }
}
