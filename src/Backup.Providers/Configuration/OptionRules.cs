namespace Backup.Providers.Configuration;

/// <summary>Checks shared by the network stores' options.</summary>
internal static class OptionRules
{
    public static void ValidateTransport(string path, TimeSpan timeout, int maxRetries, int? listPageSize, List<string> errors)
    {
        if (timeout <= TimeSpan.Zero)
        {
            errors.Add($"{path}:Timeout must be a positive duration, e.g. 00:00:30.");
        }

        if (maxRetries is < 0 or > 10)
        {
            errors.Add($"{path}:MaxRetries must be between 0 and 10.");
        }

        if (listPageSize is < 1 or > 1000)
        {
            errors.Add($"{path}:ListPageSize must be between 1 and 1000.");
        }
    }
}
