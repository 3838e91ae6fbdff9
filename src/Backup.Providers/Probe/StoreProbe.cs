using System.Text;

namespace Backup.Providers.Probe;

/// <summary>
/// Checks a configured store end to end (for an operator's <c>check-backup</c>): writes a probe object under
/// <c>.probe/</c>, reads it back, lists it, checks conditional writes where the store declares them, and deletes it.
/// Failures are reported per step, never thrown, except cancellation.
/// </summary>
public static class StoreProbe
{
    public const string KeyPrefix = ".probe/";

    public static Task<ProbeResult> RunAsync(IObjectStore store, CancellationToken cancellationToken = default) =>
        RunAsync(store, TimeProvider.System, cancellationToken);

    public static async Task<ProbeResult> RunAsync(IObjectStore store, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var key = KeyPrefix + Guid.NewGuid().ToString("N");
        var content = Encoding.UTF8.GetBytes($"edgegateway store probe {timeProvider.GetUtcNow():O}");
        var steps = new List<ProbeStep>();
        string? etag = null;
        var written = false;

        async Task<bool> Step(string name, Func<Task<(bool Ok, string Message)>> action)
        {
            var started = timeProvider.GetTimestamp();
            (bool Ok, string Message) outcome;
            try
            {
                outcome = await action().ConfigureAwait(false);
            }
            catch (ObjectStoreException ex)
            {
                outcome = (false, ex.Message);
            }

            steps.Add(new ProbeStep(name, outcome.Ok, outcome.Message, timeProvider.GetElapsedTime(started)));
            return outcome.Ok;
        }

        var ok = await Step("write", async () =>
        {
            var put = await store.PutAsync(key, content, WriteCondition.IfNoneMatch, cancellationToken).ConfigureAwait(false);
            written = put.Succeeded;
            etag = put.ETag;
            return put.Succeeded
                ? (true, $"Wrote {content.Length} bytes to '{key}'.")
                : (false, $"Writing new object '{key}' was refused as if it existed.");
        }).ConfigureAwait(false);

        ok = ok && await Step("read", async () =>
        {
            var read = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            return read switch
            {
                null => (false, $"'{key}' was written but reads back as missing."),
                _ when !read.Content.Span.SequenceEqual(content) => (false, $"'{key}' reads back with different content ({read.Content.Length} bytes); the store changes what it is given."),
                _ when read.ETag != etag => (false, $"'{key}' reads back with ETag {read.ETag}, not {etag} as written."),
                _ => (true, "Read back the same bytes and ETag."),
            };
        }).ConfigureAwait(false);

        ok = ok && await Step("list", async () =>
        {
            await foreach (var item in store.ListAsync(KeyPrefix, cancellationToken).ConfigureAwait(false))
            {
                if (item.Key == key)
                {
                    return item.Size == content.Length
                        ? (true, $"Listed '{key}' under '{KeyPrefix}'.")
                        : (false, $"Listed '{key}' with size {item.Size}, not {content.Length}.");
                }
            }

            return (false, $"'{key}' is missing from the listing of '{KeyPrefix}'.");
        }).ConfigureAwait(false);

        if (ok && store.Capabilities.SupportsConditionalWrites)
        {
            ok = await Step("conditional-write", async () =>
            {
                var again = await store.PutAsync(key, content, WriteCondition.IfNoneMatch, cancellationToken).ConfigureAwait(false);
                return again.Succeeded
                    ? (false, "A second write 'only if absent' succeeded: the store declares conditional writes but does not enforce them.")
                    : (true, "A second write 'only if absent' was refused, as it should be.");
            }).ConfigureAwait(false);
        }

        if (written)
        {
            await Step("delete", async () =>
            {
                var deleted = await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                return deleted ? (true, $"Deleted '{key}'.") : (false, $"Deleting '{key}' found nothing to delete.");
            }).ConfigureAwait(false);
        }

        return new ProbeResult(store.Name, steps);
    }
}
