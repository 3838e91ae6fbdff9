using System.Globalization;

namespace EdgeGateway.Logging;

/// <summary>
/// Dates in log lines: ISO 8601 in UTC (<c>2026-12-29T07:42:00Z</c>) whatever the culture. A <see cref="DateTimeOffset"/> handed to
/// a <c>[LoggerMessage]</c> as is would be formatted by the culture (<c>12/29/2026 07:42:00 +00:00</c>).
/// </summary>
internal static class LogDates
{
    public static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset? value) => value is { } known ? Iso(known) : "unknown";
}
