using System.Text;

namespace Backup.Providers;

/// <summary>
/// The one key validator every store uses, so a key means the same object on disk, in Blob and in S3:
/// '/'-separated segments, none empty, <c>.</c> or <c>..</c>; no leading '/', no backslash, no control characters;
/// at most <see cref="MaxLength"/> UTF-8 bytes, each segment at most <see cref="MaxSegmentLength"/> (a file name on disk).
/// Segments ending in '~' are reserved for the disk store's temporary and lock files.
/// </summary>
public static class ObjectKey
{
    public const int MaxLength = 512;

    public const int MaxSegmentLength = 255;

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="key"/> is not a valid key.</summary>
    public static void Validate(string key)
    {
        if (!IsValid(key, out var reason))
        {
            throw new ArgumentException($"Invalid object key: {reason}", nameof(key));
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="prefix"/> is neither empty nor a key, optionally ending in '/'.</summary>
    public static void ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return;
        }

        var trimmed = prefix.EndsWith('/') ? prefix[..^1] : prefix;
        if (!IsValid(trimmed, out var reason))
        {
            throw new ArgumentException($"Invalid object key prefix: {reason}", nameof(prefix));
        }
    }

    public static bool IsValid(string? key, out string reason)
    {
        if (string.IsNullOrEmpty(key))
        {
            reason = "the key is empty.";
            return false;
        }

        if (Encoding.UTF8.GetByteCount(key) > MaxLength)
        {
            reason = $"the key is longer than {MaxLength} UTF-8 bytes.";
            return false;
        }

        foreach (var c in key)
        {
            if (c == '\\')
            {
                reason = "the key contains a backslash; use '/' to separate segments.";
                return false;
            }

            if (char.IsControl(c))
            {
                reason = "the key contains a control character.";
                return false;
            }
        }

        if (key[0] == '/')
        {
            reason = "the key starts with '/'.";
            return false;
        }

        foreach (var segment in key.Split('/'))
        {
            if (!IsValidSegment(segment, out reason))
            {
                return false;
            }
        }

        reason = string.Empty;
        return true;
    }

    private static bool IsValidSegment(string segment, out string reason)
    {
        reason = segment switch
        {
            "" => "the key has an empty segment ('//' or a trailing '/').",
            "." or ".." => "the key has a '.' or '..' segment.",
            _ when segment.EndsWith('~') => "a key segment ends with '~' (reserved).",
            _ when Encoding.UTF8.GetByteCount(segment) > MaxSegmentLength => $"a key segment is longer than {MaxSegmentLength} UTF-8 bytes.",
            _ => string.Empty,
        };
        return reason.Length == 0;
    }
}
