namespace ManagementPlane.Portal.Consumer;

/// <summary>The signed-in consumer of a portal request, as the session cookie and the account's current state say.</summary>
internal sealed record PortalSignedIn(string AccountId, string Email, string DisplayName);
