using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace EdgeGateway.Subscriptions;

/// <summary>
/// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed pseudo-random function with a 64-bit output, fast on short
/// inputs. Used for the subscription-key cache, never as the stored form of a key (that is SHA-256, as the management
/// plane ships it). Checked against the reference test vectors in the tests.
/// </summary>
internal readonly struct SipHash
{
    private readonly ulong k0;
    private readonly ulong k1;

    public SipHash(ReadOnlySpan<byte> key)
    {
        if (key.Length != 16)
        {
            throw new ArgumentException("SipHash takes a 16-byte key", nameof(key));
        }

        k0 = BinaryPrimitives.ReadUInt64LittleEndian(key);
        k1 = BinaryPrimitives.ReadUInt64LittleEndian(key[8..]);
    }

    public ulong Hash(ReadOnlySpan<char> text) => Hash(MemoryMarshal.AsBytes(text));

    public ulong Hash(ReadOnlySpan<byte> data)
    {
        var v0 = k0 ^ 0x736f6d6570736575UL;
        var v1 = k1 ^ 0x646f72616e646f6dUL;
        var v2 = k0 ^ 0x6c7967656e657261UL;
        var v3 = k1 ^ 0x7465646279746573UL;

        var blocks = data.Length & ~7;
        for (var i = 0; i < blocks; i += 8)
        {
            var m = BinaryPrimitives.ReadUInt64LittleEndian(data[i..]);
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }

        // The last block: the remaining bytes, with the input's length (mod 256) in the top byte.
        var last = (ulong)(data.Length & 0xff) << 56;
        var tail = data[blocks..];
        for (var i = 0; i < tail.Length; i++)
        {
            last |= (ulong)tail[i] << (8 * i);
        }

        v3 ^= last;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;

        v2 ^= 0xff;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1;
        v1 = BitOperations.RotateLeft(v1, 13);
        v1 ^= v0;
        v0 = BitOperations.RotateLeft(v0, 32);
        v2 += v3;
        v3 = BitOperations.RotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = BitOperations.RotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = BitOperations.RotateLeft(v1, 17);
        v1 ^= v2;
        v2 = BitOperations.RotateLeft(v2, 32);
    }
}
