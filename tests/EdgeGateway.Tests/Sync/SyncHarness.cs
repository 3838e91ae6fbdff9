using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeGateway.Configuration;
using EdgeGateway.Contracts.Signing;
using EdgeGateway.Contracts.Sync;
using EdgeGateway.Routing;
using EdgeGateway.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Sync;

/// <summary>
/// The sync's pieces wired as the gateway wires them, with the management plane answered in process (<see cref="Answer"/>)
/// and a fake clock. Nothing listens on a socket.
/// </summary>
internal sealed class SyncHarness : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 12, 27, 7, 42, 0, TimeSpan.Zero);

    private readonly ECDsa plane = SigningKeys.Generate();
    private readonly StubPlane stub = new();

    public SyncHarness(DateTimeOffset? tokenExpiry = null, IDictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Gateway:Id"] = "gw1",
            ["ManagementPlane:Url"] = "http://127.0.0.1:1/",
            ["ManagementPlane:Token"] = GatewayToken.Create("gw1", tokenExpiry ?? Now.AddDays(30), "primary").Value,
            ["ManagementPlane:LongPollWait"] = "00:00:30",
            ["ManagementPlane:HeartbeatInterval"] = "00:10:00",
            ["Trust:SigningKey"] = SigningKeys.ExportPublicPem(plane),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        Settings = GatewaySettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        State = new ConfigState(Clock);
        Tokens = new GatewayTokenSource(Settings, Clock, Logs);
        Confirmations = new EdgeGateway.Trust.Confirmations(Settings, Logs);
        Status = new SyncStatus(Tokens, Confirmations);
        Client = new ManagementPlaneClient(Settings, Tokens, stub);
        Applier = new SnapshotApplier(State, Settings, Clock);
        Poller = new SnapshotPoller(Client, Applier, State, Confirmations, Settings, Clock);
        Loop = new PollLoop(Poller, Status, State, Client, Tokens, Settings, Clock, Logs);
        Heartbeats = new HeartbeatLoop(Client, new HeartbeatBuilder(State, Status, Counters, Clock), State, Settings, Clock, Logs);
    }

    public FakeTimeProvider Clock { get; } = new(Now);

    public CapturingLoggerFactory Logs { get; } = new();

    /// <summary>The request counters the heartbeats report from (Record them as the request handler does).</summary>
    public EdgeGateway.Proxy.RequestCounters Counters { get; } = new();

    public GatewaySettings Settings { get; }

    public ConfigState State { get; }

    public GatewayTokenSource Tokens { get; }

    public EdgeGateway.Trust.Confirmations Confirmations { get; }

    public SyncStatus Status { get; }

    public ManagementPlaneClient Client { get; }

    public SnapshotApplier Applier { get; }

    public SnapshotPoller Poller { get; }

    public PollLoop Loop { get; }

    public HeartbeatLoop Heartbeats { get; }

    /// <summary>How the plane answers the next snapshot request (the request is handed in).</summary>
    public Func<HttpRequestMessage, Task<HttpResponseMessage>> Answer { set => stub.Snapshot = value; }

    /// <summary>How the plane answers a heartbeat; by default 204 at once.</summary>
    public Func<HeartbeatRequest, Task<HttpStatusCode>> Heartbeat { set => stub.Heartbeat = value; }

    /// <summary>Every heartbeat received, in order.</summary>
    public ConcurrentQueue<HeartbeatRequest> Beats => stub.Beats;

    /// <summary>The <c>If-None-Match</c> each snapshot request carried.</summary>
    public ConcurrentQueue<string?> ETagsSent => stub.ETags;

    public byte[] Signed(long revision, string gatewayId = "gw1") => SignedSnapshot.Sign(Encoding.UTF8.GetBytes(
        $$"""{ "schemaVersion": 1, "gatewayId": "{{gatewayId}}", "revision": {{revision}}, "apis": [] }"""), plane);

    public string Confirmation(long revision) => new SnapshotConfirmation("gw1", revision, Clock.GetUtcNow()).Sign(plane);

    public static Task<HttpResponseMessage> Respond(HttpStatusCode status, byte[]? body = null, long? etagRevision = null, string? confirmation = null)
    {
        var response = new HttpResponseMessage(status);
        if (body is not null)
        {
            response.Content = new ByteArrayContent(body);
        }

        if (etagRevision is { } revision)
        {
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue(SyncProtocol.ETag(revision));
        }

        if (confirmation is not null)
        {
            response.Headers.TryAddWithoutValidation(SyncProtocol.ConfirmationHeader, confirmation);
        }

        return Task.FromResult(response);
    }

    public static Task<HttpResponseMessage> Problem(HttpStatusCode status, string detail) => Respond(status,
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, string> { ["detail"] = detail }, TestJson.Default.DictionaryStringString)));

    /// <summary>A runtime as a start from the backup <paramref name="bytes"/> makes it.</summary>
    public GatewayRuntime FromBackup(byte[] bytes) => new(
        Contracts.Snapshot.SnapshotLoader.Load(bytes, Settings.TrustKey, Settings.Validation).Snapshot!, "backup:gateways/gw1/snapshots/x.json",
        Clock.GetUtcNow(), bytes, fromBackup: true);

    public void Dispose()
    {
        Heartbeats.Dispose();
        Client.Dispose();
        Tokens.Dispose();
        plane.Dispose();
    }

    private sealed class StubPlane : HttpMessageHandler
    {
        public Func<HttpRequestMessage, Task<HttpResponseMessage>> Snapshot { get; set; } = _ => Respond(HttpStatusCode.ServiceUnavailable);

        public Func<HeartbeatRequest, Task<HttpStatusCode>> Heartbeat { get; set; } = _ => Task.FromResult(HttpStatusCode.NoContent);

        public ConcurrentQueue<HeartbeatRequest> Beats { get; } = new();

        public ConcurrentQueue<string?> ETags { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                var beat = JsonSerializer.Deserialize(await request.Content!.ReadAsByteArrayAsync(cancellationToken), SyncJsonContext.Default.HeartbeatRequest)!;
                Beats.Enqueue(beat);
                return new HttpResponseMessage(await Heartbeat(beat));
            }

            ETags.Enqueue(request.Headers.IfNoneMatch.FirstOrDefault()?.ToString());
            return await Snapshot(request);
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>Every log line as the console would show its text, with its event id.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory, ILoggerProvider
{
    public ConcurrentQueue<(int EventId, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Capturing(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public string Single(int eventId) => Assert.Single(Lines, l => l.EventId == eventId).Message;

    private sealed class Capturing(CapturingLoggerFactory factory) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            factory.Lines.Enqueue((eventId.Id, formatter(state, exception)));
    }
}
