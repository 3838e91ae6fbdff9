using ManagementPlane.Hosting;

namespace ManagementPlane.Portal.Store;

/// <summary>What <c>PUT /portal-settings</c> accepts; every problem is reported with its field.</summary>
internal static class PortalSettingsRules
{
    public const int MaxTitleLength = 100;

    /// <summary>The whole data: URI, about 100 KiB of image: every page carries it inline.</summary>
    public const int MaxLogoLength = 140_000;

    private static readonly string[] LogoTypes = ["image/png", "image/svg+xml", "image/jpeg"];

    public static List<ProblemError> Check(PortalSettings settings)
    {
        var errors = new List<ProblemError>();
        var title = settings.Title?.Trim() ?? "";
        if (title.Length == 0 || title.Length > MaxTitleLength || title.Any(char.IsControl))
        {
            errors.Add(new("title", $"required: 1 to {MaxTitleLength} characters, no control characters"));
        }

        if (settings.Logo is { } logo && CheckLogo(logo) is { } logoProblem)
        {
            errors.Add(new("logo", logoProblem));
        }

        if (settings.GatewayUrl is { } url && !IsGatewayUrl(url))
        {
            errors.Add(new("gatewayUrl", "must be an absolute http:// or https:// URL without user info, query or fragment, like https://api.example.com"));
        }

        if (settings.SignUp is not (SignUpModes.Approval or SignUpModes.Invitation))
        {
            errors.Add(new("signUp", $"must be '{SignUpModes.Approval}' or '{SignUpModes.Invitation}'"));
        }

        return errors;
    }

    /// <summary>The stored form: trimmed title, gateway URL without a trailing '/'.</summary>
    public static PortalSettings Normalize(PortalSettings settings) => new()
    {
        Title = settings.Title.Trim(),
        Logo = settings.Logo,
        GatewayUrl = settings.GatewayUrl?.TrimEnd('/'),
        SignUp = settings.SignUp,
    };

    private static string? CheckLogo(string logo)
    {
        if (logo.Length > MaxLogoLength)
        {
            return $"is {logo.Length} characters; at most {MaxLogoLength} (about 100 KiB of image)";
        }

        var comma = logo.IndexOf(',', StringComparison.Ordinal);
        var header = comma < 0 ? "" : logo[..comma];
        const string suffix = ";base64";
        if (!header.StartsWith("data:", StringComparison.Ordinal) || !header.EndsWith(suffix, StringComparison.Ordinal)
            || !LogoTypes.Contains(header["data:".Length..^suffix.Length], StringComparer.Ordinal))
        {
            return $"must be a data: URI of a PNG, SVG or JPEG image in base64: data:image/png;base64,... ({string.Join(", ", LogoTypes)})";
        }

        var data = logo[(comma + 1)..];
        var buffer = new byte[data.Length];
        return data.Length > 0 && Convert.TryFromBase64String(data, buffer, out _) ? null : "the data after 'base64,' is not valid base64";
    }

    private static bool IsGatewayUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.UserInfo.Length == 0 && uri.Query.Length == 0 && uri.Fragment.Length == 0 && !url.Contains('#', StringComparison.Ordinal);
}
