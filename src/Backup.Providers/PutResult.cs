namespace Backup.Providers;

public enum PutStatus
{
    Succeeded,

    /// <summary>The write condition did not hold; nothing was written.</summary>
    PreconditionFailed,
}

/// <summary>The outcome of a put: the new ETag, or a failed precondition.</summary>
public readonly record struct PutResult(PutStatus Status, string? ETag)
{
    public bool Succeeded => Status == PutStatus.Succeeded;

    public static PutResult Success(string etag) => new(PutStatus.Succeeded, etag);

    public static PutResult PreconditionFailed => new(PutStatus.PreconditionFailed, null);
}
