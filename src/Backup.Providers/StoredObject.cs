namespace Backup.Providers;

/// <summary>An object's content and the ETag to pass to <see cref="WriteCondition.IfMatch(string)"/>.</summary>
public sealed record StoredObject(ReadOnlyMemory<byte> Content, string ETag);
