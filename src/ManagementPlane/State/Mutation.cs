namespace ManagementPlane.State;

/// <summary>One attempt at a write: the revision it will get if it commits, and the ETags it touches.</summary>
internal sealed class Mutation(ManagementState state, long newRevision)
{
    public long NewRevision { get; } = newRevision;

    /// <summary>Refuse an invalid result as a conflict, not as an invalid request (a delete that would leave a dangling reference).</summary>
    public bool ConflictOnInvalid { get; set; }

    public void Touch(string resource) => state.Versions[resource] = NewRevision;

    public void Forget(string resource)
    {
        foreach (var key in state.Versions.Keys.Where(k => k == resource || k.StartsWith(resource + "/", StringComparison.Ordinal)).ToList())
        {
            state.Versions.Remove(key);
        }
    }

    public static string ETag(ManagementState state, string resource) =>
        state.Versions.TryGetValue(resource, out var version) ? $"\"{version}\"" : "\"0\"";

    /// <summary>Null when <paramref name="ifMatch"/> is absent, "*" (and the resource exists) or matches; otherwise the current ETag.</summary>
    public static bool Matches(ManagementState state, string resource, string? ifMatch, bool exists)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return true;
        }

        var current = ETag(state, resource);
        foreach (var part in ifMatch.Split(','))
        {
            var candidate = part.Trim();
            if ((candidate == "*" && exists) || (exists && string.Equals(candidate, current, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
