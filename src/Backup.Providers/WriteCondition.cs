namespace Backup.Providers;

public enum WriteConditionKind
{
    /// <summary>Write unconditionally.</summary>
    None,

    /// <summary>Write only if no object exists under the key (<c>If-None-Match: *</c>).</summary>
    IfNoneMatch,

    /// <summary>Write only if the object's current ETag equals the given one (<c>If-Match</c>).</summary>
    IfMatch,
}

/// <summary>The precondition of a put.</summary>
public readonly record struct WriteCondition
{
    private WriteCondition(WriteConditionKind kind, string? etag)
    {
        Kind = kind;
        ETag = etag;
    }

    public WriteConditionKind Kind { get; }

    /// <summary>The expected ETag for <see cref="WriteConditionKind.IfMatch"/>; otherwise <see langword="null"/>.</summary>
    public string? ETag { get; }

    public static WriteCondition None => default;

    public static WriteCondition IfNoneMatch => new(WriteConditionKind.IfNoneMatch, null);

    public static WriteCondition IfMatch(string etag)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(etag);
        return new(WriteConditionKind.IfMatch, etag);
    }

    public override string ToString() => Kind == WriteConditionKind.IfMatch ? $"IfMatch({ETag})" : Kind.ToString();
}
