using System.Collections.Concurrent;

namespace EdgeGateway.Policies.Auth;

/// <summary>
/// The process's managed-identity tokens, one cache entry per (resource, client id). A request gets the cached token
/// without waiting; once half its lifetime has passed, the request that notices starts one fetch in the background and
/// still gets the cached token, so requests wait only for the very first token (or when every refresh failed until the
/// token stopped being usable). Concurrent requests share one fetch. A failed refresh keeps the still-valid token and is
/// retried after <see cref="RetryAfterFailure"/>; without a usable token, a failure is remembered for that long too, so a
/// dead endpoint is not asked once per request.
/// </summary>
internal sealed class ManagedIdentityTokens(IManagedIdentityClient client, TimeProvider time, Func<ILogger> logger) : IAccessTokenSource
{
    /// <summary>The most of a token's end that is not used: a token handed to a backend should not expire on the way.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

    /// <summary>How long a failed fetch is not repeated (a refresh keeps the old token meanwhile).</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Resource, string? ClientId), Entry> entries = new();

    private IManagedIdentityClient Client => client;

    private TimeProvider Time => time;

    private ILogger Logger => logger();

    public ValueTask<AccessToken> GetTokenAsync(string resource, string? clientId, CancellationToken cancellationToken)
    {
        var entry = entries.GetOrAdd((resource, clientId), static key => new Entry(key.Resource, key.ClientId));
        return entry.GetAsync(this, cancellationToken);
    }

    /// <summary>A fetch for (<paramref name="resource"/>, <paramref name="clientId"/>) is under way: for tests, which wait until one has settled.</summary>
    internal bool IsFetching(string resource, string? clientId) => entries.TryGetValue((resource, clientId), out var entry) && entry.IsFetching;

    private sealed class Entry(string resource, string? clientId)
    {
        private readonly Lock gate = new();
        private Cached? cached;
        private Task<Cached>? fetching;
        private DateTimeOffset retryAt;
        private string? lastError;

        /// <summary>Cleared under the lock together with the failure's backoff: once false, a failed fetch's retry time is set.</summary>
        public bool IsFetching
        {
            get
            {
                lock (gate)
                {
                    return fetching is not null;
                }
            }
        }

        public ValueTask<AccessToken> GetAsync(ManagedIdentityTokens owner, CancellationToken cancellationToken)
        {
            var now = owner.Time.GetUtcNow();
            var current = Volatile.Read(ref cached);
            if (current is not null && now < current.UsableUntil)
            {
                if (now >= current.RefreshAt && Volatile.Read(ref fetching) is null)
                {
                    StartFetch(owner, now);
                }

                return new(current.Token);
            }

            var pending = StartFetch(owner, now);
            if (pending is null)
            {
                string? error;
                lock (gate)
                {
                    error = lastError;
                }

                return ValueTask.FromException<AccessToken>(new AccessTokenException(error ?? "the identity endpoint failed"));
            }

            return WaitAsync(pending, cancellationToken);
        }

        private static async ValueTask<AccessToken> WaitAsync(Task<Cached> pending, CancellationToken cancellationToken) =>
            (await pending.WaitAsync(cancellationToken).ConfigureAwait(false)).Token;

        /// <summary>The fetch under way, or a new one unless the last failure is too recent: null then.</summary>
        private Task<Cached>? StartFetch(ManagedIdentityTokens owner, DateTimeOffset now)
        {
            lock (gate)
            {
                if (fetching is not null)
                {
                    return fetching;
                }

                if (now < retryAt)
                {
                    return null;
                }

                fetching = FetchAsync(owner);
                return fetching;
            }
        }

        private async Task<Cached> FetchAsync(ManagedIdentityTokens owner)
        {
            await Task.Yield(); // the request that started it goes on (a refresh) or waits like the others
            try
            {
                var token = await owner.Client.FetchAsync(resource, clientId, CancellationToken.None).ConfigureAwait(false);
                var fetched = Cached.From(token, owner.Time.GetUtcNow());
                lock (gate)
                {
                    Volatile.Write(ref cached, fetched);
                    fetching = null;
                    lastError = null;
                }

                AuthLog.TokenFetched(owner.Logger, resource, clientId ?? "system-assigned", token.ExpiresOn);
                return fetched;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var message = ex is AccessTokenException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
                lock (gate)
                {
                    fetching = null;
                    lastError = message;
                    retryAt = owner.Time.GetUtcNow() + RetryAfterFailure;
                }

                var stillValid = Volatile.Read(ref cached) is { } old && owner.Time.GetUtcNow() < old.UsableUntil;
                AuthLog.FetchFailed(owner.Logger, resource, clientId ?? "system-assigned", message, stillValid);
                throw ex as AccessTokenException ?? new AccessTokenException(message, ex);
            }
        }
    }

    /// <summary>A token and the two moments that matter: when to start refreshing it, and until when to hand it out.</summary>
    private sealed record Cached(AccessToken Token, DateTimeOffset RefreshAt, DateTimeOffset UsableUntil)
    {
        public static Cached From(AccessToken token, DateTimeOffset now)
        {
            var lifetime = token.ExpiresOn - now;
            if (lifetime <= TimeSpan.Zero)
            {
                return new(token, now, now);
            }

            // A short-lived token keeps a quarter of its life as margin; a long one, ExpiryMargin.
            var margin = lifetime / 4 < ExpiryMargin ? lifetime / 4 : ExpiryMargin;
            return new(token, now + lifetime / 2, token.ExpiresOn - margin);
        }
    }
}
