namespace Backup.Providers.Errors;

/// <summary>What went wrong, independent of the SDK that reported it.</summary>
internal enum StoreFailure
{
    /// <summary>The bucket, container or folder the settings point at does not exist.</summary>
    LocationMissing,

    /// <summary>Credentials were missing, rejected, or lack permission.</summary>
    AccessDenied,

    /// <summary>The service could not be reached (connection refused, DNS, reset), after the SDK's own retries.</summary>
    Unavailable,

    /// <summary>The request timed out, after the SDK's own retries.</summary>
    Timeout,

    /// <summary>Anything else the service or file system rejected.</summary>
    Other,
}
