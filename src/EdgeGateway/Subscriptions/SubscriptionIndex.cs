using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Routing;

namespace EdgeGateway.Subscriptions;

/// <summary>
/// Subscription keys by hash. A presented key is hashed, looked up, and compared again in constant time;
/// plain keys from a hand-written file are hashed at load and never kept. A check allocates nothing: the hash is computed
/// on the stack and looked up as a value.
/// <para>
/// A key that was found once is remembered in a bounded cache under a 128-bit keyed hash of it (two SipHash-2-4 with
/// secret random keys made for this index), never the key itself: a second request with the same key costs about a
/// tenth of the SHA-256 (OpenSSL) of the first. The cache lives as long as this index, so a new config starts it empty;
/// a key is only cached once SHA-256 found it, so a wrong key is always checked the slow way and never fills the cache.
/// </para>
/// </summary>
internal sealed class SubscriptionIndex
{
    /// <summary>The most keys remembered; further keys are still checked, by SHA-256 every time.</summary>
    internal const int CacheCapacity = 10_000;

    private readonly Dictionary<HashKey, Entry> byHash = [];
    private readonly ConcurrentDictionary<UInt128, Entry> seen = new();
    private readonly SipHash first;
    private readonly SipHash second;

    private readonly int capacity;

    public SubscriptionIndex(IEnumerable<SubscriptionDefinition> subscriptions, int cacheCapacity = CacheCapacity)
    {
        capacity = cacheCapacity;
        Span<byte> secret = stackalloc byte[32];
        RandomNumberGenerator.Fill(secret);
        first = new SipHash(secret[..16]);
        second = new SipHash(secret[16..]);
        CryptographicOperations.ZeroMemory(secret);
        foreach (var s in subscriptions)
        {
            // Validated before it gets here; an unparsable scope would open nothing.
            SubscriptionScope.TryParse(s.Scope, out var scope);
            var entry = new Entry(s.Id!, s.State ?? SubscriptionStates.Default, scope);
            Add(s.PrimaryKey, s.PrimaryKeyHash, entry);
            Add(s.SecondaryKey, s.SecondaryKeyHash, entry);
        }
    }

    public SubscriptionCheck Check(string? presentedKey, ApiRoute api)
    {
        if (string.IsNullOrEmpty(presentedKey))
        {
            return SubscriptionCheck.Missing;
        }

        var cacheKey = new UInt128(first.Hash(presentedKey), second.Hash(presentedKey));
        if (!seen.TryGetValue(cacheKey, out var entry))
        {
            Span<byte> hash = stackalloc byte[SubscriptionKeyHash.HashLength];
            SubscriptionKeyHash.Compute(presentedKey, hash);
            if (!byHash.TryGetValue(HashKey.From(hash), out entry)
                || !CryptographicOperations.FixedTimeEquals(hash, entry.Hash))
            {
                return SubscriptionCheck.Invalid;
            }

            if (seen.Count < capacity)
            {
                seen.TryAdd(cacheKey, entry);
            }
        }

        if (!string.Equals(entry.State, SubscriptionStates.Active, StringComparison.Ordinal))
        {
            return SubscriptionCheck.Inactive;
        }

        var inScope = entry.Scope?.Reaches(api.Id, api.Products) == true;
        return inScope ? new SubscriptionCheck(SubscriptionOutcome.Valid, entry.Id) { ProductId = entry.ProductId } : SubscriptionCheck.Invalid;
    }

    /// <summary>How many keys the cache holds (tests).</summary>
    internal int CachedKeys => seen.Count;

    private void Add(string? plain, string? hash, Entry entry)
    {
        var bytes = plain is not null ? SubscriptionKeyHash.ComputeBytes(plain)
            : SubscriptionKeyHash.TryDecode(hash, out var decoded) ? decoded : null;
        if (bytes is not null)
        {
            byHash[HashKey.From(bytes)] = entry with { Hash = bytes };
        }
    }

    /// <summary>A SHA-256 hash as a dictionary key that is a value, not a string or an array.</summary>
    private readonly record struct HashKey(UInt128 Low, UInt128 High)
    {
        public static HashKey From(ReadOnlySpan<byte> hash) =>
            new(BinaryPrimitives.ReadUInt128LittleEndian(hash), BinaryPrimitives.ReadUInt128LittleEndian(hash[16..]));
    }

    private sealed record Entry(string Id, string State, SubscriptionScope? Scope)
    {
        public byte[] Hash { get; init; } = [];

        /// <summary>The product whose policies the subscription's calls run (APIM: a product-scoped subscription).</summary>
        public string? ProductId { get; } = Scope?.Kind == SubscriptionScopeKind.Product ? Scope.Id : null;
    }
}

internal enum SubscriptionOutcome
{
    Valid,
    Missing,
    Invalid,
    Inactive,
}

internal readonly record struct SubscriptionCheck(SubscriptionOutcome Outcome, string? SubscriptionId)
{
    public string? ProductId { get; init; }

    public static readonly SubscriptionCheck Missing = new(SubscriptionOutcome.Missing, null);
    public static readonly SubscriptionCheck Invalid = new(SubscriptionOutcome.Invalid, null);
    public static readonly SubscriptionCheck Inactive = new(SubscriptionOutcome.Inactive, null);
}
