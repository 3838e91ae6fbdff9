using System.Collections.Concurrent;
using EdgeGateway.Policies.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies.Auth;

/// <summary>The token cache, with a fake clock and an identity endpoint whose answers the test gives one by one.</summary>
public sealed class ManagedIdentityTokensTests
{
    private const string Storage = "https://storage.azure.com/";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeEndpoint endpoint = new();

    private ManagedIdentityTokens Tokens() => new(endpoint, time, () => NullLogger.Instance);

    private AccessToken Token(string value, TimeSpan lifetime) => new(value, time.GetUtcNow() + lifetime);

    [Fact]
    public async Task GetToken_ConcurrentFirstRequests_ShareOneFetch()
    {
        var tokens = Tokens();

        var waiting = Enumerable.Range(0, 5).Select(_ => tokens.GetTokenAsync(Storage, null, CancellationToken.None).AsTask()).ToList();
        var call = await endpoint.NextCallAsync();
        call.Answer.SetResult(Token("t1", TimeSpan.FromHours(1)));

        Assert.All(await Task.WhenAll(waiting), t => Assert.Equal("t1", t.Value));
        Assert.Equal(1, endpoint.CallCount);
    }

    [Fact]
    public async Task GetToken_Cached_AnsweredSynchronouslyWithoutAFetch()
    {
        var tokens = Tokens();
        await FirstAsync(tokens, "t1", TimeSpan.FromHours(1));
        time.Advance(TimeSpan.FromMinutes(29));

        var again = tokens.GetTokenAsync(Storage, null, CancellationToken.None);

        Assert.Equal("t1", Synchronously(again));
        Assert.Equal(1, endpoint.CallCount);
    }

    [Fact]
    public async Task GetToken_HalfTheLifetimePassed_OldTokenServedWhileOneRefreshRunsThenTheNewOne()
    {
        var tokens = Tokens();
        await FirstAsync(tokens, "t1", TimeSpan.FromHours(1));
        time.Advance(TimeSpan.FromMinutes(31));

        var during = Enumerable.Range(0, 3).Select(_ => tokens.GetTokenAsync(Storage, null, CancellationToken.None)).ToList();
        var refresh = await endpoint.NextCallAsync();

        Assert.All(during, t => Assert.Equal("t1", Synchronously(t)));
        refresh.Answer.SetResult(Token("t2", TimeSpan.FromHours(1)));
        await WaitUntilAsync(() => Cached(tokens) == "t2");
        Assert.Equal(2, endpoint.CallCount);
    }

    [Fact]
    public async Task GetToken_RefreshFails_StillValidTokenServed_RetriedAfterTheBackoff()
    {
        var tokens = Tokens();
        await FirstAsync(tokens, "t1", TimeSpan.FromHours(1));
        time.Advance(TimeSpan.FromMinutes(40));

        Assert.Equal("t1", (await tokens.GetTokenAsync(Storage, null, CancellationToken.None)).Value);
        (await endpoint.NextCallAsync()).Answer.SetException(new AccessTokenException("endpoint said 500"));
        await WaitUntilAsync(() => !tokens.IsFetching(Storage, null)); // the cache has settled the failure (and its backoff)

        Assert.Equal("t1", (await tokens.GetTokenAsync(Storage, null, CancellationToken.None)).Value); // starts nothing: the failure is too recent

        time.Advance(ManagedIdentityTokens.RetryAfterFailure);
        Assert.Equal("t1", (await tokens.GetTokenAsync(Storage, null, CancellationToken.None)).Value);
        (await endpoint.NextCallAsync()).Answer.SetResult(Token("t2", TimeSpan.FromHours(1)));
        await WaitUntilAsync(() => Cached(tokens) == "t2");
        Assert.Equal(3, endpoint.CallCount); // the first, the failed refresh, the retry: none during the backoff
    }

    [Fact]
    public async Task GetToken_NoTokenAndTheFetchFails_FailsThenRemembersTheFailureUntilTheBackoffEnds()
    {
        var tokens = Tokens();
        var first = tokens.GetTokenAsync(Storage, null, CancellationToken.None).AsTask();
        (await endpoint.NextCallAsync()).Answer.SetException(new AccessTokenException("no identity endpoint answered"));

        var failure = await Assert.ThrowsAsync<AccessTokenException>(() => first);
        Assert.Equal("no identity endpoint answered", failure.Message);
        await Assert.ThrowsAsync<AccessTokenException>(() => tokens.GetTokenAsync(Storage, null, CancellationToken.None).AsTask());
        Assert.Equal(1, endpoint.CallCount);

        time.Advance(ManagedIdentityTokens.RetryAfterFailure);
        var retry = tokens.GetTokenAsync(Storage, null, CancellationToken.None).AsTask();
        (await endpoint.NextCallAsync()).Answer.SetResult(Token("t1", TimeSpan.FromHours(1)));
        Assert.Equal("t1", (await retry).Value);
    }

    [Fact]
    public async Task GetToken_TokenPastItsUsableEnd_RequestWaitsForANewOne()
    {
        var tokens = Tokens();
        await FirstAsync(tokens, "t1", TimeSpan.FromHours(1));
        time.Advance(TimeSpan.FromHours(1) - ManagedIdentityTokens.ExpiryMargin);

        var waiting = tokens.GetTokenAsync(Storage, null, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        (await endpoint.NextCallAsync()).Answer.SetResult(Token("t2", TimeSpan.FromHours(1)));

        Assert.Equal("t2", (await waiting).Value);
    }

    [Fact]
    public async Task GetToken_ShortLivedToken_RefreshedAtHalfAndUsableUntilAQuarterBeforeItsEnd()
    {
        var tokens = Tokens();
        await FirstAsync(tokens, "t1", TimeSpan.FromSeconds(8));

        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("t1", Cached(tokens));
        Assert.Equal(1, endpoint.CallCount);

        time.Advance(TimeSpan.FromSeconds(2)); // 5 s: past half, before 6 s (8 s less a quarter)
        Assert.Equal("t1", Cached(tokens));
        var refresh = await endpoint.NextCallAsync();
        Assert.Equal(2, endpoint.CallCount);

        time.Advance(TimeSpan.FromSeconds(1)); // 6 s: a quarter before its end, the token is no longer handed out
        var waiting = tokens.GetTokenAsync(Storage, null, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        refresh.Answer.SetResult(Token("t2", TimeSpan.FromSeconds(8)));
        Assert.Equal("t2", (await waiting).Value);
        Assert.Equal(2, endpoint.CallCount); // it waited for the refresh under way, not for a fetch of its own
    }

    [Fact]
    public async Task GetToken_ResourcesAndIdentities_CachedApart()
    {
        var tokens = Tokens();
        await FirstAsync(tokens, "system", TimeSpan.FromHours(1));

        var user = tokens.GetTokenAsync(Storage, "client-1", CancellationToken.None).AsTask();
        var userCall = await endpoint.NextCallAsync();
        userCall.Answer.SetResult(Token("user", TimeSpan.FromHours(1)));
        var vault = tokens.GetTokenAsync("https://vault.azure.net", null, CancellationToken.None).AsTask();
        var vaultCall = await endpoint.NextCallAsync();
        vaultCall.Answer.SetResult(Token("vault", TimeSpan.FromHours(1)));

        Assert.Equal(("user", "vault"), ((await user).Value, (await vault).Value));
        Assert.Equal((Storage, "client-1"), (userCall.Resource, userCall.ClientId));
        Assert.Equal(("https://vault.azure.net", (string?)null), (vaultCall.Resource, vaultCall.ClientId));
        Assert.Equal("system", Cached(tokens));
    }

    [Fact]
    public async Task GetToken_WaitingRequestCancelled_TheFetchGoesOnForTheOthers()
    {
        var tokens = Tokens();
        using var cancel = new CancellationTokenSource();
        var cancelled = tokens.GetTokenAsync(Storage, null, cancel.Token).AsTask();
        var other = tokens.GetTokenAsync(Storage, null, CancellationToken.None).AsTask();
        var call = await endpoint.NextCallAsync();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        call.Answer.SetResult(Token("t1", TimeSpan.FromHours(1)));

        Assert.Equal("t1", (await other).Value);
    }

    private async Task FirstAsync(ManagedIdentityTokens tokens, string value, TimeSpan lifetime)
    {
        var first = tokens.GetTokenAsync(Storage, null, CancellationToken.None).AsTask();
        (await endpoint.NextCallAsync()).Answer.SetResult(Token(value, lifetime));
        Assert.Equal(value, (await first).Value);
    }

    /// <summary>A token the cache answers without waiting: what every request gets while one is cached.</summary>
    private static string Cached(ManagedIdentityTokens tokens) => Synchronously(tokens.GetTokenAsync(Storage, null, CancellationToken.None));

    private static string Synchronously(ValueTask<AccessToken> answer)
    {
        Assert.True(answer.IsCompletedSuccessfully, "the cache made the request wait");
        return answer.Result.Value;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // A condition wait, not a timing assertion: the deadline only bounds a broken test on a loaded machine.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 60 s");
            await Task.Delay(10);
        }
    }

    private sealed record Call(string Resource, string? ClientId, TaskCompletionSource<AccessToken> Answer);

    /// <summary>Each fetch waits until the test answers it.</summary>
    private sealed class FakeEndpoint : IManagedIdentityClient
    {
        private readonly ConcurrentQueue<Call> calls = new();
        private readonly SemaphoreSlim arrived = new(0);
        private int count;

        public int CallCount => Volatile.Read(ref count);

        public async Task<AccessToken> FetchAsync(string resource, string? clientId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref count);
            var call = new Call(resource, clientId, new TaskCompletionSource<AccessToken>(TaskCreationOptions.RunContinuationsAsynchronously));
            calls.Enqueue(call);
            arrived.Release();
            return await call.Answer.Task;
        }

        public async Task<Call> NextCallAsync()
        {
            Assert.True(await arrived.WaitAsync(TimeSpan.FromSeconds(10)), "the cache did not call the endpoint");
            Assert.True(calls.TryDequeue(out var call));
            return call!;
        }
    }
}
