using Microsoft.AspNetCore.Http.Features;

namespace ManagementPlane.Portal.Consumer;

/// <summary>Reads a posted form and checks its anti-forgery field before anything else looks at it.</summary>
internal static class ConsumerForms
{
    /// <summary>The form when it is a form post with a valid anti-forgery field; null otherwise (answer with <see cref="ConsumerPage.ForgedAsync"/>).</summary>
    public static async Task<IFormCollection?> ReadCheckedAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new FormOptions { ValueCountLimit = 32, ValueLengthLimit = 16 * 1024, MultipartBodyLengthLimit = 64 * 1024 }, context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return null;
        }

        return PortalAntiforgery.IsValid(context, form[PortalAntiforgery.FieldName]) ? form : null;
    }

    public static string? Text(IFormCollection form, string name, int maxLength)
    {
        var value = form[name].ToString().Trim();
        return value.Length == 0 ? null : value.Length > maxLength ? value[..maxLength] : value;
    }

    /// <summary>A local portal path to go back to after sign-in; anything else (absolute, protocol-relative, backslashes) is ignored.</summary>
    public static string SafeReturnUrl(string? returnUrl)
    {
        const string fallback = "/portal/subscriptions";
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > 512
            || returnUrl.Contains('\\') || returnUrl.Contains("/..", StringComparison.Ordinal) || returnUrl.Any(char.IsControl) || returnUrl.StartsWith("//", StringComparison.Ordinal))
        {
            return fallback;
        }

        var isPortal = returnUrl == "/portal" || returnUrl.StartsWith("/portal/", StringComparison.Ordinal) || returnUrl.StartsWith("/portal?", StringComparison.Ordinal);
        return isPortal && Uri.TryCreate(returnUrl, UriKind.Relative, out _) ? returnUrl : fallback;
    }
}
