using Backup.Providers.Configuration;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

public static class ObjectStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="Backup.Providers.IObjectStore"/> configured under <paramref name="sectionPath"/>
    /// (e.g. <c>Backup</c> or <c>Management:Store</c>). The settings are validated now, at start-up, and an
    /// <see cref="Backup.Providers.ObjectStoreException"/> names any bad setting. Provider <c>none</c> registers nothing.
    /// </summary>
    public static IServiceCollection AddObjectStore(
        this IServiceCollection services,
        IConfiguration configuration,
        string sectionPath,
        string defaultProvider = ObjectStoreProviders.None,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var store = ObjectStoreFactory.Create(configuration.GetSection(sectionPath), sectionPath, defaultProvider, timeProvider);
        if (store is not null)
        {
            // A factory registration, so the container disposes the store (and its SDK client) on shutdown.
            services.AddSingleton(_ => store);
        }

        return services;
    }
}
