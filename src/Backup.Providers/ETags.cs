namespace Backup.Providers;

/// <summary>ETags in one shape on every store: the quoted HTTP form, as <c>If-Match</c> takes it.</summary>
internal static class ETags
{
    public static string Normalize(string etag) =>
        etag.Length > 0 && (etag[0] == '"' || etag.StartsWith("W/", StringComparison.Ordinal)) ? etag : $"\"{etag}\"";
}
