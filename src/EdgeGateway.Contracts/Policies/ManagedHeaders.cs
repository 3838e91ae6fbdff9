using System.Collections.Frozen;

namespace EdgeGateway.Contracts.Policies;

/// <summary>
/// Headers no policy may set or remove: those that frame a message or belong to one connection (<c>Content-Length</c>,
/// <c>Transfer-Encoding</c>, <c>Connection</c>, ...). A policy setting one could make the gateway and the backend (or the
/// client) disagree on where a message ends, which is how requests are smuggled; the gateway manages them itself. Both
/// planes refuse a known name at load; the gateway checks a name computed per request with one lookup, no allocation.
/// </summary>
public static class ManagedHeaders
{
    private static readonly FrozenSet<string> Names = new[]
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer",
        "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static bool Contains(string name) => Names.Contains(name);
}
