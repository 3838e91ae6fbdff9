namespace Backup.Providers;

/// <summary>One listed object.</summary>
public sealed record ObjectInfo(string Key, long Size, string ETag, DateTimeOffset LastModified);
