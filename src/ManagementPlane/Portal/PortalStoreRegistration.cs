using ManagementPlane.Portal.Store;

namespace ManagementPlane.Portal;

/// <summary>Helper S: the store-backed services and the admin API for accounts, approvals, settings and content.</summary>
internal static class PortalStoreRegistration
{
    public static IServiceCollection AddPortalStore(this IServiceCollection services)
    {
        services.AddSingleton<PortalObjects>();
        services.AddSingleton<PortalContentStore>();
        services.AddSingleton<IPortalContent>(sp => sp.GetRequiredService<PortalContentStore>());
        services.AddSingleton<InvitationStore>();
        services.AddSingleton<PortalAccountStore>();
        services.AddSingleton<IPortalAccounts>(sp => sp.GetRequiredService<PortalAccountStore>());
        services.AddSingleton<AccountLifecycle>();
        services.AddSingleton<IConsumerSubscriptions, ConsumerSubscriptionService>();
        // The admin bodies' metadata, for the OpenAPI document's schemas (answers name their JsonTypeInfo directly).
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(PortalAdminJsonContext.Api));
        return services;
    }

    /// <summary>Admin endpoints (behind the admin key, in the OpenAPI document).</summary>
    public static RouteGroupBuilder MapPortalAdmin(this RouteGroupBuilder admin) => admin
        .MapPortalSettings()
        .MapAccounts()
        .MapInvitations()
        .MapPortalContent()
        .MapSubscriptionApprovals();
}
