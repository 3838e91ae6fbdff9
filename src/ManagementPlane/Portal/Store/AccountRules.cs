using System.Net.Mail;

namespace ManagementPlane.Portal.Store;

/// <summary>What an email, a display name and a password must be; the one place sign-up and the admin API check them.</summary>
internal static class AccountRules
{
    public const int MaxEmailLength = 254;
    public const int MaxDisplayNameLength = 100;
    public const int MinPasswordLength = 8;

    /// <summary>Long enough for any passphrase, short enough that hashing it is no denial of service.</summary>
    public const int MaxPasswordLength = 256;

    /// <summary>Trimmed and lower-cased: the form an account id is derived from.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Null when valid; otherwise what is wrong, as a person reads it (the field named first).</summary>
    public static string? CheckEmail(string? email)
    {
        var trimmed = email?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "Email is required.";
        }

        if (trimmed.Length > MaxEmailLength || trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            || !MailAddress.TryCreate(trimmed, out var parsed) || !string.Equals(parsed.Address, trimmed, StringComparison.Ordinal)
            || !parsed.Host.Contains('.', StringComparison.Ordinal))
        {
            return "Email must be an address like name@example.com.";
        }

        return null;
    }

    public static string? CheckDisplayName(string? displayName)
    {
        var trimmed = displayName?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "Display name is required.";
        }

        if (trimmed.Length > MaxDisplayNameLength)
        {
            return $"Display name must be at most {MaxDisplayNameLength} characters.";
        }

        return trimmed.Any(char.IsControl) ? "Display name must not contain control characters." : null;
    }

    public static string? CheckPassword(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength)
        {
            return $"Password must be at least {MinPasswordLength} characters.";
        }

        return password.Length > MaxPasswordLength ? $"Password must be at most {MaxPasswordLength} characters." : null;
    }

    /// <summary>The first problem with the three fields, or null.</summary>
    public static string? Check(string? email, string? displayName, string? password) =>
        CheckEmail(email) ?? CheckDisplayName(displayName) ?? CheckPassword(password);
}
