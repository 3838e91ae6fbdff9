namespace ManagementPlane.Portal.Web;

/// <summary>
/// The signed-in consumer looking at a page, as helper C's session code resolves it: the layout shows their nav
/// (My subscriptions, Sign out with its anti-forgery field) and the catalogue pages their subscribe form and keys.
/// </summary>
/// <param name="AccountId">The account's id (<see cref="PortalAccount.Id"/>).</param>
/// <param name="DisplayName">Shown in the nav; encoded by the layout.</param>
/// <param name="AntiforgeryFieldName">The hidden field's name every POST form of this session carries.</param>
/// <param name="AntiforgeryToken">The hidden field's value for this session.</param>
internal sealed record PortalViewer(string AccountId, string DisplayName, string AntiforgeryFieldName, string AntiforgeryToken);

/// <summary>
/// Who is signing the request (helper C implements it from the session cookie; registered with
/// <c>services.AddSingleton&lt;IPortalViewerSource, ...&gt;()</c>, which wins over the anonymous default).
/// </summary>
internal interface IPortalViewerSource
{
    /// <summary>The signed-in, active consumer, or null (no cookie, a bad or expired one, a disabled account).</summary>
    ValueTask<PortalViewer?> GetViewerAsync(HttpContext context, CancellationToken cancellationToken);
}

/// <summary>Until sessions exist (or in tests of the anonymous pages): nobody is signed in.</summary>
internal sealed class AnonymousViewerSource : IPortalViewerSource
{
    public ValueTask<PortalViewer?> GetViewerAsync(HttpContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<PortalViewer?>(null);
}
