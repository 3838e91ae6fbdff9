using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace EdgeGateway.Contracts.Net;

/// <summary>
/// Address text as both planes and the gateway's <c>X-Forwarded-For</c> reader accept it: strict. IPv4 only as four
/// decimal parts (no <c>127.1</c>, no octal <c>010.0.0.1</c>, no hex: forms whose meaning differs between parsers are
/// how filters get bypassed); IPv6 in any RFC 4291 form without a zone or brackets. Parsing happens at load, or once per
/// request for a trusted proxy's header, never per policy.
/// </summary>
public static class IpText
{
    public const string Forms = "an IPv4 or IPv6 address (like 203.0.113.7 or 2001:db8::1) or a CIDR range (like 10.0.0.0/8 or 2001:db8::/32)";

    /// <summary>An address: family and value (IPv4-mapped IPv6 reads as IPv4).</summary>
    public static bool TryParseAddress(ReadOnlySpan<char> text, out bool isV6, out UInt128 value)
    {
        isV6 = false;
        value = 0;
        if (text.IsEmpty || text.Length > 45)
        {
            return false;
        }

        if (!text.Contains(':'))
        {
            if (!TryParseV4(text, out var v4))
            {
                return false;
            }

            value = v4;
            return true;
        }

        // IPv6: hex digits, ':' and an embedded dotted quad only (IPAddress also takes brackets, zones and ports).
        foreach (var c in text)
        {
            if (!(char.IsAsciiHexDigit(c) || c is ':' or '.'))
            {
                return false;
            }
        }

        var dot = text.IndexOf('.');
        if (dot >= 0 && !TryParseV4(text[(text.LastIndexOf(':') + 1)..], out _))
        {
            return false; // the embedded IPv4 tail obeys the same strict form
        }

        if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        (isV6, value) = FromV6Bytes(bytes);
        return true;
    }

    /// <summary>One entry of a list: an address, or a CIDR range (<c>address/prefix</c>, no bits set after the prefix). Null or why not.</summary>
    public static string? ParseEntry(string text, out IpRange range)
    {
        range = default;
        var span = text.AsSpan().Trim();
        var slash = span.IndexOf('/');
        var addressText = slash < 0 ? span : span[..slash];
        if (!TryParseAddress(addressText, out var isV6, out var value))
        {
            return $"'{text}' is not {Forms}";
        }

        if (slash < 0)
        {
            range = new(isV6, value, value);
            return null;
        }

        var prefixText = span[(slash + 1)..];
        var bits = isV6 ? 128 : 32;
        // A mapped address is read as IPv4: its prefix counts the mapped part's 96 bits.
        var mapped = !isV6 && addressText.Contains(':');
        var offset = mapped ? 96 : 0;
        if (prefixText.IsEmpty || prefixText.Length > 3 || prefixText.ContainsAnyExceptInRange('0', '9')
            || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || prefix - offset < 0 || prefix - offset > bits)
        {
            return mapped
                ? $"'{text}' has a prefix outside /96-/128 for an IPv4-mapped address: write the range in IPv4 form"
                : $"'{text}' has a prefix outside /0-/{bits}";
        }

        prefix -= offset;
        var hostBits = bits - prefix;
        var hostMask = hostBits == 0 ? UInt128.Zero : (UInt128.One << hostBits) - 1;
        if ((value & hostMask) != 0)
        {
            return $"'{text}' has address bits set after the /{prefix + offset} prefix (write the network address, like {Network(isV6, value & ~hostMask)}/{prefix + offset})";
        }

        range = new(isV6, value, value | hostMask);
        return null;
    }

    /// <summary>APIM's address-range: both ends single addresses of one family, <paramref name="from"/> not above <paramref name="to"/>. Null or why not.</summary>
    public static string? ParseRange(string from, string to, out IpRange range, out bool toIsBad)
    {
        range = default;
        toIsBad = false;
        if (!TryParseAddress(from.AsSpan().Trim(), out var fromV6, out var first))
        {
            return $"'{from}' is not an IPv4 or IPv6 address";
        }

        toIsBad = true;
        if (!TryParseAddress(to.AsSpan().Trim(), out var toV6, out var last))
        {
            return $"'{to}' is not an IPv4 or IPv6 address";
        }

        if (fromV6 != toV6)
        {
            return $"'{from}' and '{to}' are of different address families (a range is all IPv4 or all IPv6)";
        }

        if (first > last)
        {
            return $"'{from}' is above '{to}': a range goes from the lower address to the higher";
        }

        range = new(fromV6, first, last);
        return null;
    }

    /// <summary>An address's family and value, IPv4-mapped IPv6 read as IPv4; no allocation.</summary>
    public static (bool IsV6, UInt128 Value) Of(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4 ? (false, BinaryPrimitives.ReadUInt32BigEndian(bytes)) : FromV6Bytes(bytes);
    }

    /// <summary>The address for a value, as <see cref="Of"/> reads it.</summary>
    public static IPAddress ToAddress(bool isV6, UInt128 value)
    {
        if (!isV6)
        {
            return new IPAddress(BinaryPrimitives.ReverseEndianness((uint)value));
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    private static (bool, UInt128) FromV6Bytes(ReadOnlySpan<byte> bytes)
    {
        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return value >> 32 == 0xFFFF ? (false, value & uint.MaxValue) : (true, value);
    }

    private static string Network(bool isV6, UInt128 value) => ToAddress(isV6, value).ToString();

    private static bool TryParseV4(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (++parts > 4 || part.IsEmpty || part.Length > 3 || part.ContainsAnyExceptInRange('0', '9') || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var octet = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }

            value = (value << 8) | (uint)octet;
        }

        return parts == 4;
    }
}
