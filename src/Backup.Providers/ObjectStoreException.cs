namespace Backup.Providers;

/// <summary>
/// Any store failure other than a failed precondition: misconfiguration, missing bucket or container,
/// rejected credentials, an unreachable or timed-out service.
/// </summary>
public sealed class ObjectStoreException : Exception
{
    public ObjectStoreException()
    {
    }

    public ObjectStoreException(string message)
        : base(message)
    {
    }

    public ObjectStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public ObjectStoreException(string store, string message, string? setting = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Store = store;
        Setting = setting;
    }

    /// <summary>The store that failed, as in <see cref="IObjectStore.Name"/>.</summary>
    public string? Store { get; }

    /// <summary>The configuration setting to look at, e.g. <c>Backup:S3:Bucket</c>, when the failure points at one.</summary>
    public string? Setting { get; }
}
