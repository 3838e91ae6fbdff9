namespace EdgeGateway.EndToEnd.Tests.Portal;

/// <summary>
/// The portal's browser classes share one headless Chromium and run one after another: a browser is the heaviest thing
/// these tests start, and on a 2-core CI two of them at once would only slow each other down.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalBrowserHost>
{
    public const string Name = "Developer portal in a browser";
}

/// <summary>The collection's browser, launched once.</summary>
public sealed class PortalBrowserHost : IAsyncLifetime
{
    public PortalBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync() => Browser = await PortalBrowser.LaunchAsync();

    public async Task DisposeAsync() => await Browser.DisposeAsync();
}
