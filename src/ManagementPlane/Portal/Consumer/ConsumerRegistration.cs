namespace ManagementPlane.Portal.Consumer;

/// <summary>Helper C's part of the portal: sessions, anti-forgery, sign-in throttling and the account and subscription pages.</summary>
internal static class ConsumerRegistration
{
    public static IServiceCollection AddPortalConsumer(this IServiceCollection services)
    {
        services.AddSingleton<PortalCookieKeys>();
        services.AddSingleton<SessionCookie>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<PortalSessionMiddleware>();
        return services;
    }

    public static WebApplication MapPortalConsumer(this WebApplication app)
    {
        // Runs after routing and before any endpoint (WebApplication appends the endpoints last), so P's pages see the session too.
        var middleware = app.Services.GetRequiredService<PortalSessionMiddleware>();
        app.Use(middleware.InvokeAsync);
        app.MapSignUp();
        app.MapSignIn();
        app.MapSubscriptionPages();
        return app;
    }
}
