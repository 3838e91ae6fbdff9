using EdgeGateway.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Configuration;

public sealed class ChangeDebouncerTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    [Fact]
    public void Signal_ThenQuiet_FiresOnceAfterTheQuietPeriod()
    {
        var time = new FakeTimeProvider();
        var fired = 0;
        using var debouncer = new ChangeDebouncer(time, Quiet, MaxWait, () => fired++);

        debouncer.Signal();
        time.Advance(TimeSpan.FromMilliseconds(100));
        debouncer.Signal();
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, fired);

        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, fired);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, fired);
    }

    [Fact]
    public void Signal_ContinuouslyFasterThanTheQuietPeriod_StillFiresWithinMaxWait()
    {
        var time = new FakeTimeProvider();
        var firedAt = new List<TimeSpan>();
        var start = time.GetUtcNow();
        using var debouncer = new ChangeDebouncer(time, Quiet, MaxWait, () => firedAt.Add(time.GetUtcNow() - start));

        for (var i = 0; i < 50; i++) // 5 s of a signal every 100 ms
        {
            debouncer.Signal();
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.NotEmpty(firedAt);
        Assert.Equal(MaxWait, firedAt[0]);
        Assert.All(firedAt.Zip(firedAt.Skip(1)), pair => Assert.True(pair.Second - pair.First <= MaxWait + TimeSpan.FromMilliseconds(100)));
    }
}
