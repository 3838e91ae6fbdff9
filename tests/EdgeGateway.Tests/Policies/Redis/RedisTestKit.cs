using EdgeGateway.Policies.Redis;
using EdgeGateway.Tests.Sync;

namespace EdgeGateway.Tests.Policies.Redis;

/// <summary>Links as the gateway makes them (one multiplexer each, as two gateway processes would have), and waiting on a condition.</summary>
internal static class RedisTestKit
{
    public const int ConnectedEvent = 1101;
    public const int UnreachableEvent = 1102;
    public const int RestoredEvent = 1103;
    public const int CallFailedEvent = 1104;

    public static async Task<RedisLink> ConnectedLinkAsync(RedisServer server, CapturingLoggerFactory? logs = null, string downState = "fallback")
    {
        var link = new RedisLink("rate-limit counters", server.ConnectionString, "counting in this process", TimeProvider.System, downState);
        link.Start((logs ?? new CapturingLoggerFactory()).CreateLogger("EdgeGateway.Redis"));
        await UntilAsync(() => link.IsUp, "the link connects");
        return link;
    }

    public static Task UntilAsync(Func<bool> condition, string what, int seconds = 30) =>
        UntilAsync(() => Task.FromResult(condition()), what, seconds);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not true within {seconds} s: {what}");
            }

            await Task.Delay(20);
        }
    }

    public static int Count(this CapturingLoggerFactory logs, int eventId) => logs.Lines.Count(l => l.EventId == eventId);
}
