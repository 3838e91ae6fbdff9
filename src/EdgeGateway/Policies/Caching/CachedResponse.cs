using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace EdgeGateway.Policies.Caching;

/// <summary>
/// One stored response as cache-store writes it and cache-lookup reads it: when it was stored, for how long, its status,
/// its headers and its body. The bytes are the same in memory and in Redis, so gateways of one build share entries.
/// </summary>
/// <remarks>
/// Format (little-endian, no reflection): version byte; stored-at UTC ticks (8); time to live in seconds (4); status (2);
/// header count (2), then per header its name and value count (2) and values, each string a 4-byte length and UTF-8;
/// the rest is the body. An entry of another version, or cut short, reads as no entry (a miss), never as an error.
/// </remarks>
internal readonly record struct CachedResponse(DateTimeOffset StoredAt, int TimeToLiveSeconds, int Status,
    KeyValuePair<string, string[]>[] Headers, ReadOnlyMemory<byte> Body)
{
    private const byte Version = 1;

    private static readonly UTF8Encoding Strict = new(false, true);

    /// <summary>Whole seconds since the entry was stored (the Age header), never negative (another gateway's clock may run ahead).</summary>
    public long AgeAt(DateTimeOffset now) => Math.Max(0, (long)(now - StoredAt).TotalSeconds);

    /// <summary>Writes everything but the body into <paramref name="writer"/>: the body's bytes follow it there.</summary>
    public static void WriteHead(IBufferWriter<byte> writer, DateTimeOffset storedAt, int timeToLiveSeconds, int status,
        IReadOnlyList<KeyValuePair<string, string[]>> headers)
    {
        var fixedPart = writer.GetSpan(17);
        fixedPart[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(fixedPart[1..], storedAt.UtcTicks);
        BinaryPrimitives.WriteInt32LittleEndian(fixedPart[9..], timeToLiveSeconds);
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart[13..], (ushort)status);
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart[15..], (ushort)headers.Count);
        writer.Advance(17);
        foreach (var (name, values) in headers)
        {
            WriteString(writer, name);
            BinaryPrimitives.WriteUInt16LittleEndian(writer.GetSpan(2), (ushort)values.Length);
            writer.Advance(2);
            foreach (var value in values)
            {
                WriteString(writer, value);
            }
        }
    }

    /// <summary>The entry in <paramref name="bytes"/>; false for bytes that are not an entry of this version (the body refers into them, no copy).</summary>
    public static bool TryRead(byte[] bytes, out CachedResponse entry)
    {
        entry = default;
        var span = bytes.AsSpan();
        if (span.Length < 17 || span[0] != Version)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64LittleEndian(span[1..]);
        var ttl = BinaryPrimitives.ReadInt32LittleEndian(span[9..]);
        int status = BinaryPrimitives.ReadUInt16LittleEndian(span[13..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(span[15..]);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || status is < 100 or > 599)
        {
            return false;
        }

        var at = 17;
        var headers = new KeyValuePair<string, string[]>[count];
        for (var i = 0; i < count; i++)
        {
            if (!TryReadString(span, ref at, out var name) || !TryReadCount(span, ref at, out var valueCount))
            {
                return false;
            }

            var values = new string[valueCount];
            for (var v = 0; v < valueCount; v++)
            {
                if (!TryReadString(span, ref at, out values[v]))
                {
                    return false;
                }
            }

            headers[i] = new(name, values);
        }

        entry = new(new DateTimeOffset(ticks, TimeSpan.Zero), ttl, status, headers, bytes.AsMemory(at));
        return true;
    }

    private static void WriteString(IBufferWriter<byte> writer, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var span = writer.GetSpan(4 + length);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        Encoding.UTF8.GetBytes(text, span[4..]);
        writer.Advance(4 + length);
    }

    private static bool TryReadCount(ReadOnlySpan<byte> span, ref int at, out int count)
    {
        count = 0;
        if (span.Length - at < 2)
        {
            return false;
        }

        count = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
        at += 2;
        return true;
    }

    private static bool TryReadString(ReadOnlySpan<byte> span, ref int at, out string text)
    {
        text = string.Empty;
        if (span.Length - at < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        if (length < 0 || length > span.Length - at - 4)
        {
            return false;
        }

        try
        {
            text = Strict.GetString(span.Slice(at + 4, length));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        at += 4 + length;
        return true;
    }
}
