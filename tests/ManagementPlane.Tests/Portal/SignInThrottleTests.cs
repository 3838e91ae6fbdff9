using ManagementPlane.Portal.Consumer;
using Microsoft.Extensions.Time.Testing;

namespace ManagementPlane.Tests.Portal;

public sealed class SignInThrottleTests
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public void Account_AfterThreeFailures_WaitsDoublingDelays()
    {
        var throttle = new SignInThrottle(clock);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(throttle.RetryAfter("acc", "10.0.0.1"));
            throttle.Failed("acc", "10.0.0.1");
        }

        Assert.Null(throttle.RetryAfter("acc", "10.0.0.1"));
        throttle.Failed("acc", "10.0.0.1");
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.RetryAfter("acc", "10.0.0.2"));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(throttle.RetryAfter("acc", "10.0.0.2"));
        throttle.Failed("acc", "10.0.0.2");
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.RetryAfter("acc", "10.0.0.3"));
        Assert.Null(throttle.RetryAfter("other", "10.0.0.3"));
    }

    [Fact]
    public void Account_AfterTenFailures_IsLockedForFifteenMinutes()
    {
        var throttle = new SignInThrottle(clock);
        for (var i = 0; i < 10; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            throttle.Failed("acc", null);
        }

        Assert.Equal(SignInThrottle.Lockout, throttle.RetryAfter("acc", null));
        clock.Advance(SignInThrottle.Lockout - TimeSpan.FromSeconds(1));
        Assert.NotNull(throttle.RetryAfter("acc", null));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(throttle.RetryAfter("acc", null));
    }

    [Fact]
    public void Address_FailingAcrossManyAccounts_IsSlowedWhileOtherAddressesAreNot()
    {
        var throttle = new SignInThrottle(clock);
        for (var i = 0; i < 11; i++)
        {
            throttle.Failed($"acc{i}", "203.0.113.9");
        }

        Assert.NotNull(throttle.RetryAfter("fresh", "203.0.113.9"));
        Assert.Null(throttle.RetryAfter("fresh", "198.51.100.1"));
    }

    [Fact]
    public void Success_ClearsTheAccountButNotTheAddress()
    {
        var throttle = new SignInThrottle(clock);
        for (var i = 0; i < 11; i++)
        {
            throttle.Failed("acc", "203.0.113.9");
        }

        throttle.Succeeded("acc");

        Assert.Null(throttle.RetryAfter("acc", "198.51.100.1"));
        Assert.NotNull(throttle.RetryAfter("acc", "203.0.113.9"));
    }

    [Fact]
    public void Failures_AreForgottenAfterTheWindow()
    {
        var throttle = new SignInThrottle(clock);
        for (var i = 0; i < 3; i++)
        {
            throttle.Failed("acc", null);
        }

        clock.Advance(SignInThrottle.Window + TimeSpan.FromSeconds(1));
        throttle.Failed("acc", null);
        Assert.Null(throttle.RetryAfter("acc", null));
    }
}
