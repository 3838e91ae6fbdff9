namespace ManagementPlane.Portal.Consumer;

/// <summary>
/// The fixed notes a redirect can ask a page to show (<c>?message=signed-up</c>). Only these codes: a page never echoes
/// text from the address bar, so a crafted link cannot put words in the portal's mouth.
/// </summary>
internal static class Messages
{
    public const string SignedUp = "signed-up";
    public const string Subscribed = "subscribed";
    public const string SubmittedForApproval = "submitted";
    public const string Regenerated = "regenerated";
    public const string Cancelled = "cancelled";

    public static string? Text(string? code) => code switch
    {
        SignedUp => "Your account is ready. Sign in with your email and password.",
        Subscribed => "Subscribed. Your keys are below.",
        SubmittedForApproval => "Subscription requested: it is waiting for approval by an administrator.",
        Regenerated => "The key was regenerated. The old key no longer works once the gateways have the change.",
        Cancelled => "The subscription was cancelled.",
        _ => null,
    };
}
