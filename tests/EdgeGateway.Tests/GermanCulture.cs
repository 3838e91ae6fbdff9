using System.Globalization;

namespace EdgeGateway.Tests;

/// <summary>
/// The current culture formatting like de-DE (29.12.2026 07:42:00, 10,5) for the life of the returned scope. Built from the invariant
/// culture: the gateway and its tests run in globalization-invariant mode, where de-DE itself cannot be loaded.
/// </summary>
internal static class GermanCulture
{
    public static IDisposable Use()
    {
        var german = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        german.DateTimeFormat.ShortDatePattern = "dd.MM.yyyy";
        german.DateTimeFormat.LongTimePattern = "HH:mm:ss";
        german.DateTimeFormat.DateSeparator = ".";
        german.NumberFormat.NumberDecimalSeparator = ",";
        german.NumberFormat.NumberGroupSeparator = ".";
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = german;
        return new Scope(before);
    }

    private sealed class Scope(CultureInfo before) : IDisposable
    {
        public void Dispose() => CultureInfo.CurrentCulture = before;
    }
}
