using Microsoft.Extensions.Options;

namespace ManagementPlane.Hosting;

internal sealed class ManagementOptionsValidator : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options)
    {
        var errors = options.Validate().ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal static class ManagementOptionsExtensions
{
    /// <summary>Binds <c>Management</c> (source-generated binder) and validates it when the host starts.</summary>
    public static IServiceCollection AddManagementOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ManagementOptions>().Bind(configuration.GetSection(ManagementOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ManagementOptions>, ManagementOptionsValidator>();
        return services;
    }
}
