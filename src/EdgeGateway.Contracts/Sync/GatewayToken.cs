using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeGateway.Contracts.Sync;

/// <summary>
/// The gateway's credential towards the management plane, in Azure API Management's shape:
/// <c>GatewayKey &lt;gatewayId&gt;&amp;&lt;expiry yyyyMMddHHmm, UTC&gt;&amp;&lt;base64 HMAC-SHA512 of "id\nexpiry"&gt;</c>,
/// keyed by the UTF-8 bytes of the gateway's primary or secondary key. The whole string, scheme included,
/// is the <c>Authorization</c> header value.
/// </summary>
public sealed record GatewayToken(string GatewayId, DateTimeOffset Expiry, string Signature)
{
    public const string Scheme = "GatewayKey";

    private const string ExpiryFormat = "yyyyMMddHHmm";

    /// <summary>The full header value, <c>GatewayKey id&amp;expiry&amp;signature</c>.</summary>
    public string Value => $"{Scheme} {GatewayId}&{FormatExpiry(Expiry)}&{Signature}";

    public override string ToString() => $"{Scheme} {GatewayId}&{FormatExpiry(Expiry)}&***";

    /// <summary>Issues a token; the expiry is truncated to the minute (the format's precision).</summary>
    public static GatewayToken Create(string gatewayId, DateTimeOffset expiry, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(gatewayId);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var utc = Truncate(expiry);
        return new GatewayToken(gatewayId, utc, Sign(gatewayId, FormatExpiry(utc), key));
    }

    /// <summary>Parses a header value, with or without the <c>GatewayKey </c> scheme; checks the shape only.</summary>
    public static bool TryParse(string? value, out GatewayToken? token)
    {
        token = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.Trim();
        if (text.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            text = text[(Scheme.Length + 1)..].TrimStart();
        }

        var parts = text.Split('&');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[2].Length == 0
            || !DateTime.TryParseExact(parts[1], ExpiryFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiry))
        {
            return false;
        }

        token = new GatewayToken(parts[0], new DateTimeOffset(expiry, TimeSpan.Zero), parts[2]);
        return true;
    }

    /// <summary>
    /// The usual copy mistake behind a token that does not parse, as a sentence to append to the error, or null: a token
    /// copied out of a JSON answer with its escaping (<c>\u0026</c> in place of <c>&amp;</c>). It is not un-escaped
    /// silently: the setting holding it is wrong and should be fixed where it is kept.
    /// </summary>
    public static string? CopyMistake(string? value) =>
        value is not null && value.Contains(JsonEscapedAmpersand, StringComparison.OrdinalIgnoreCase)
            ? $"it holds '{JsonEscapedAmpersand}': it was copied JSON-escaped; write '&' in place of each '{JsonEscapedAmpersand}'"
            : null;

    private const string JsonEscapedAmpersand = "\\u0026";

    /// <summary>True when the signature was made with <paramref name="key"/> (constant-time); expiry is checked separately.</summary>
    public bool IsSignedWith(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        Span<byte> given = stackalloc byte[64];
        if (!Convert.TryFromBase64String(Signature, given, out var written) || written != 64)
        {
            return false;
        }

        var expected = SignBytes(GatewayId, FormatExpiry(Expiry), key);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>Checks id, signature (against either key) and expiry at <paramref name="now"/>.</summary>
    public GatewayTokenCheck Verify(string expectedGatewayId, DateTimeOffset now, params ReadOnlySpan<string?> keys)
    {
        if (!string.Equals(GatewayId, expectedGatewayId, StringComparison.Ordinal))
        {
            return GatewayTokenCheck.WrongGateway;
        }

        var signed = false;
        foreach (var key in keys)
        {
            signed |= key is not null && IsSignedWith(key);
        }

        if (!signed)
        {
            return GatewayTokenCheck.InvalidSignature;
        }

        return now >= Expiry ? GatewayTokenCheck.Expired : GatewayTokenCheck.Valid;
    }

    public static string FormatExpiry(DateTimeOffset expiry) => expiry.UtcDateTime.ToString(ExpiryFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset Truncate(DateTimeOffset expiry)
    {
        var utc = expiry.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
    }

    private static string Sign(string gatewayId, string expiry, string key) => Convert.ToBase64String(SignBytes(gatewayId, expiry, key));

    private static byte[] SignBytes(string gatewayId, string expiry, string key) =>
        HMACSHA512.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(gatewayId + "\n" + expiry));
}

public enum GatewayTokenCheck
{
    Valid,

    /// <summary>Signed by a current key, but past its expiry: renew it.</summary>
    Expired,

    /// <summary>Not signed by a current key of this gateway (regenerated key, or forged).</summary>
    InvalidSignature,

    /// <summary>Issued for another gateway id.</summary>
    WrongGateway,
}
