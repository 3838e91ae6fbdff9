using System.Net;
using EdgeGateway.Policies.SideCalls;

namespace EdgeGateway.Tests.Policies.SideCalls;

/// <summary>The process's side-call client on its own: what happens around a call, not what the policies make of it.</summary>
public sealed class SideCallClientTests
{
    [Fact]
    public async Task SendAsync_TimeoutTimerFiresJustAfterTheCallEnded_NothingThrows()
    {
        // A timer's callback may already be queued when the call ends and disposes what it made: System.Threading timers
        // do not wait for it. Here it runs late on purpose; an exception from it would end the process in production.
        var time = new LateTimers();
        using var client = new SideCallClient(new FakeTarget());
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://idp.test/");

        var result = await client.SendAsync(request, TimeSpan.FromSeconds(5), time, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)result.Response!.StatusCode);
        Assert.NotEmpty(time.Callbacks);
        foreach (var (callback, state) in time.Callbacks)
        {
            callback(state); // must not throw (an ObjectDisposedException here would be unhandled on a thread-pool thread)
        }
    }

    /// <summary>Timers that never fire on their own and whose Dispose does not stop a callback: the test runs them when it likes.</summary>
    private sealed class LateTimers : TimeProvider
    {
        public List<(TimerCallback Callback, object? State)> Callbacks { get; } = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Callbacks.Add((callback, state));
            return new Timer();
        }

        private sealed class Timer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
