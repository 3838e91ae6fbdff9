namespace EdgeGateway.Contracts.Snapshot;

/// <summary>API path prefixes as APIM treats them: case-insensitive, leading slash optional, no trailing slash.</summary>
public static class ApiPath
{
    /// <summary>Paths the gateway answers itself; no API may be mounted on or under them.</summary>
    public static readonly IReadOnlyList<string> Reserved = ["/healthz", "/status-0123456789abcdef", "/metrics"];

    /// <summary>"/echo" for "echo", "/echo/" and "/echo"; "" for the root.</summary>
    public static string Normalize(string path)
    {
        var trimmed = path.Trim('/');
        return trimmed.Length == 0 ? "" : "/" + trimmed;
    }

    public static bool TryValidate(string path, out string? error)
    {
        error = null;
        var normalized = Normalize(path);
        if (normalized.Length == 0)
        {
            return true;
        }

        foreach (var segment in normalized[1..].Split('/'))
        {
            if (segment.Length == 0)
            {
                error = "must not contain empty segments ('//')";
                return false;
            }

            if (!segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
            {
                error = $"segment '{segment}' may use only letters, digits, '-', '.', '_' and '~'";
                return false;
            }

            if (segment is "." or "..")
            {
                error = "must not contain '.' or '..' segments";
                return false;
            }
        }

        foreach (var reserved in Reserved)
        {
            if (normalized.Equals(reserved, StringComparison.OrdinalIgnoreCase)
                || normalized.StartsWith(reserved + "/", StringComparison.OrdinalIgnoreCase))
            {
                error = $"'{reserved}' is reserved for the gateway's own endpoints";
                return false;
            }
        }

        return true;
    }
}
