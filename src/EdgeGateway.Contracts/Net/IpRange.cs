namespace EdgeGateway.Contracts.Net;

/// <summary>
/// A contiguous block of addresses of one family, both ends included. IPv4 values are the 32-bit address; IPv4-mapped
/// IPv6 text (<c>::ffff:10.0.0.1</c>) is read as IPv4, so one entry matches a client however the socket reports it.
/// </summary>
public readonly record struct IpRange(bool IsV6, UInt128 First, UInt128 Last)
{
    public bool Contains(bool isV6, UInt128 value) => isV6 == IsV6 && value >= First && value <= Last;
}
