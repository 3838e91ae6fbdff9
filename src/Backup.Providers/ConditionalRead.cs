namespace Backup.Providers;

public enum ReadStatus
{
    /// <summary>The object exists and its ETag differs from the one the caller knew: <see cref="ConditionalRead.Object"/> holds it.</summary>
    Changed,

    /// <summary>The object's ETag still equals the one the caller knew; nothing was downloaded.</summary>
    NotModified,

    /// <summary>No object exists under the key.</summary>
    NotFound,
}

/// <summary>The outcome of <see cref="IObjectStore.GetIfChangedAsync"/>.</summary>
public readonly record struct ConditionalRead(ReadStatus Status, StoredObject? Object)
{
    public static ConditionalRead NotModified => new(ReadStatus.NotModified, null);

    public static ConditionalRead NotFound => new(ReadStatus.NotFound, null);

    public static ConditionalRead Changed(StoredObject stored) => new(ReadStatus.Changed, stored);

    /// <summary>What a plain read amounts to, measured against the ETag the caller knew.</summary>
    internal static ConditionalRead Of(StoredObject? stored, string? knownETag) =>
        stored is null ? NotFound
        : knownETag is not null && string.Equals(stored.ETag, knownETag, StringComparison.Ordinal) ? NotModified
        : Changed(stored);
}
