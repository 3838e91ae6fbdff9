using System.Net;
using System.Text;
using EdgeGateway.Policies;
using EdgeGateway.Policies.Auth;
using EdgeGateway.Policies.Jwt;
using EdgeGateway.Policies.SideCalls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Policies.SideCalls;

/// <summary>A side-call target in memory: records what each call sent and answers as the test says (or never, or with an error).</summary>
internal sealed class FakeTarget : HttpMessageHandler
{
    private readonly List<SentRequest> sent = [];

    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Answer { get; set; } =
        (_, _) => Task.FromResult(Json(HttpStatusCode.OK, """{ "access_token": "tok-1", "expires_in": 3600 }"""));

    public TaskCompletionSource<SentRequest> FirstCall { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<SentRequest> Sent
    {
        get
        {
            lock (sent)
            {
                return [.. sent];
            }
        }
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json"), Headers = { { "X-Trace", "t-1" } } };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
        {
            headers[h.Key] = string.Join(",", h.Value);
        }

        var call = new SentRequest(request.Method.Method, request.RequestUri!.ToString(), headers,
            request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
        lock (sent)
        {
            sent.Add(call);
        }

        FirstCall.TrySetResult(call);
        return await Answer(request, cancellationToken);
    }
}

internal sealed record SentRequest(string Method, string Url, Dictionary<string, string> Headers, string? Body);

/// <summary>Tokens as the test wants them: one value per resource, or a refusal.</summary>
internal sealed class FakeTokens : IAccessTokenSource
{
    public List<(string Resource, string? ClientId)> Asked { get; } = [];

    public bool Refuse { get; set; }

    public ValueTask<AccessToken> GetTokenAsync(string resource, string? clientId, CancellationToken cancellationToken)
    {
        Asked.Add((resource, clientId));
        return Refuse
            ? throw new AccessTokenException("no identity endpoint")
            : new(new AccessToken($"mi-token-for-{resource}", DateTimeOffset.UnixEpoch.AddHours(1)));
    }
}

internal static class SideCallServices
{
    public static PolicyServices Create(FakeTarget target, FakeTimeProvider? time = null, IAccessTokenSource? tokens = null, ILogger? logger = null,
        int maxOneWayInFlight = SideCallClient.DefaultMaxOneWayInFlight) =>
        new(new OpenIdKeyCache(TimeSpan.FromHours(1)))
        {
            Time = time ?? new FakeTimeProvider(),
            SideCalls = new SideCallClient(target, maxOneWayInFlight),
            AccessTokens = tokens ?? NoTokens.Instance,
            Logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        };
}

/// <summary>No managed identity here: every token request fails (tests that need tokens pass their own source).</summary>
internal sealed class NoTokens : IAccessTokenSource
{
    public static readonly NoTokens Instance = new();

    public ValueTask<AccessToken> GetTokenAsync(string resource, string? clientId, CancellationToken cancellationToken) =>
        throw new AccessTokenException("no managed identity in this test");
}

/// <summary>A logger that keeps every entry (event id, level, message) for a test to look for.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(int Id, LogLevel Level, string Message)> entries = new();

    public IReadOnlyList<(int Id, LogLevel Level, string Message)> Entries => [.. entries];

    /// <summary>The first entry with <paramref name="eventId"/>, once one is logged (a call on its own logs when it ends).</summary>
    public async Task<(int Id, LogLevel Level, string Message)> WaitForAsync(int eventId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            foreach (var entry in entries)
            {
                if (entry.Id == eventId)
                {
                    return entry;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"no log entry with event id {eventId} within 30 s");
            await Task.Delay(10);
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
}
