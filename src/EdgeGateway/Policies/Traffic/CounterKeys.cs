using System.Collections.Concurrent;

namespace EdgeGateway.Policies.Traffic;

/// <summary>
/// A policy's counter keys: its fixed prefix (what keeps two policies' counters apart) and the per-request part (a
/// subscription id, a counterKey's value). The composed key is remembered per distinct value, so a request whose value was
/// seen before builds no string; past <see cref="MaxRemembered"/> values (a key per client address, say) new ones are
/// composed per request rather than growing the table without bound.
/// </summary>
internal sealed class CounterKeys(string prefix)
{
    public const int MaxRemembered = 10_000;

    private readonly ConcurrentDictionary<string, string> composed = new(StringComparer.Ordinal);

    public string Prefix => prefix;

    public string For(string value)
    {
        if (composed.TryGetValue(value, out var key))
        {
            return key;
        }

        key = string.Concat(prefix, value);
        if (composed.Count < MaxRemembered)
        {
            composed.TryAdd(value, key);
        }

        return key;
    }
}
