namespace Backup.Providers;

/// <summary>What a store guarantees beyond plain reads and writes.</summary>
/// <param name="SupportsConditionalWrites">
/// <see langword="true"/> when <see cref="WriteCondition.IfNoneMatch"/> and <see cref="WriteCondition.IfMatch(string)"/>
/// are enforced. When <see langword="false"/> the conditions are still sent but may be ignored (last writer wins),
/// so callers that need mutual exclusion must not rely on them.
/// </param>
public sealed record StoreCapabilities(bool SupportsConditionalWrites);
