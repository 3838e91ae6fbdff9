using System.Net;

namespace EdgeGateway.Contracts.Net;

/// <summary>
/// A set of address ranges compiled once (at load) into sorted, merged arrays per family: a lookup is a binary search
/// over numbers, with no text and no allocation. IPv4-mapped IPv6 addresses match IPv4 entries.
/// </summary>
public sealed class IpRangeSet
{
    public static readonly IpRangeSet Empty = new([], [], [], []);

    private readonly UInt128[] v4First;
    private readonly UInt128[] v4Last;
    private readonly UInt128[] v6First;
    private readonly UInt128[] v6Last;

    private IpRangeSet(UInt128[] v4First, UInt128[] v4Last, UInt128[] v6First, UInt128[] v6Last)
    {
        this.v4First = v4First;
        this.v4Last = v4Last;
        this.v6First = v6First;
        this.v6Last = v6Last;
    }

    public bool IsEmpty => v4First.Length == 0 && v6First.Length == 0;

    public static IpRangeSet Create(IEnumerable<IpRange> ranges)
    {
        var (v4First, v4Last) = Merge(ranges.Where(r => !r.IsV6));
        var (v6First, v6Last) = Merge(ranges.Where(r => r.IsV6));
        return v4First.Length == 0 && v6First.Length == 0 ? Empty : new(v4First, v4Last, v6First, v6Last);
    }

    public bool Contains(IPAddress address)
    {
        var (isV6, value) = IpText.Of(address);
        return Contains(isV6, value);
    }

    public bool Contains(bool isV6, UInt128 value)
    {
        var (first, last) = isV6 ? (v6First, v6Last) : (v4First, v4Last);
        var i = Array.BinarySearch(first, value);
        if (i < 0)
        {
            i = ~i - 1; // the last range starting below the value
        }

        return i >= 0 && value <= last[i];
    }

    private static (UInt128[] First, UInt128[] Last) Merge(IEnumerable<IpRange> ranges)
    {
        var first = new List<UInt128>();
        var last = new List<UInt128>();
        foreach (var range in ranges.OrderBy(r => r.First))
        {
            // Overlapping or adjacent: extend the previous range (Last + 1 cannot overflow there: it is below First).
            if (last.Count > 0 && (range.First <= last[^1] || range.First - 1 == last[^1]))
            {
                last[^1] = UInt128.Max(last[^1], range.Last);
            }
            else
            {
                first.Add(range.First);
                last.Add(range.Last);
            }
        }

        return ([.. first], [.. last]);
    }
}
