using System.Buffers.Binary;
using System.Security.Cryptography;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Routing;

namespace EdgeGateway.Subscriptions;

/// <summary>
/// Subscription keys by hash. A presented key is hashed, looked up, and compared again in constant time;
/// plain keys from a hand-written file are hashed at load and never kept. A check allocates nothing: the hash is computed
/// on the stack and looked up as a value.
/// </summary>
internal sealed class SubscriptionIndex
{
    private readonly Dictionary<HashKey, Entry> byHash = [];

    public SubscriptionIndex(IEnumerable<SubscriptionDefinition> subscriptions)
    {
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

        Span<byte> hash = stackalloc byte[SubscriptionKeyHash.HashLength];
        SubscriptionKeyHash.Compute(presentedKey, hash);
        if (!byHash.TryGetValue(HashKey.From(hash), out var entry)
            || !CryptographicOperations.FixedTimeEquals(hash, entry.Hash))
        {
            return SubscriptionCheck.Invalid;
        }

        if (!string.Equals(entry.State, SubscriptionStates.Active, StringComparison.Ordinal))
        {
            return SubscriptionCheck.Inactive;
        }

        var inScope = entry.Scope?.Reaches(api.Id, api.Products) == true;
        return inScope ? new SubscriptionCheck(SubscriptionOutcome.Valid, entry.Id) { ProductId = entry.ProductId } : SubscriptionCheck.Invalid;
    }

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
