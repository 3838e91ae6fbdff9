using ManagementPlane.Portal;
using ManagementPlane.Portal.Store;
using ManagementPlane.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ManagementPlane.Tests.Portal;

/// <summary>What the portal tests need in the plane: a published product, accounts, invitations, settings.</summary>
internal static class PortalSeed
{
    public const string Password = "correct horse battery";

    /// <summary>API "echo" in a published product "gold" (name "Gold plan").</summary>
    public static async Task ProductAsync(TestPlane plane, string productId = "gold", bool approvalRequired = false)
    {
        await plane.PutOkAsync("/apis/echo", """{"path":"/echo","backend":{"urls":["http://127.0.0.1:9"]}}""");
        await plane.PutOkAsync($"/products/{productId}", $$"""{"name":"Gold plan","apis":["echo"],"approvalRequired":{{(approvalRequired ? "true" : "false")}}}""");
    }

    public static async Task<PortalAccount> AccountAsync(TestPlane plane, string email)
    {
        var accounts = plane.Host.Services.GetRequiredService<PortalAccountStore>();
        var result = await accounts.CreateActiveAsync(email, "Consumer " + email, Password, CancellationToken.None);
        if (result.Outcome == SignUpOutcome.Exists && await accounts.GetAsync(accounts.IdFor(email), CancellationToken.None) is { } existing)
        {
            return existing; // a theory's second row on the shared plane
        }

        return result.Account ?? throw new InvalidOperationException($"account not created: {result.Outcome} {result.Problem}");
    }

    public static Task SignUpModeAsync(TestPlane plane, string mode) =>
        plane.Host.Services.GetRequiredService<PortalContentStore>().SaveSettingsAsync(new PortalSettings { SignUp = mode }, CancellationToken.None);

    public static async Task<string> InvitationAsync(TestPlane plane)
    {
        var invitations = plane.Host.Services.GetRequiredService<InvitationStore>();
        return (await invitations.CreateAsync(null, invitations.Now + TimeSpan.FromDays(1), CancellationToken.None)).Token;
    }
}
