namespace RunnerCheck;

/// <summary>What a broken suite looks like to scripts/test.sh: RUNNER_CHECK=hang never returns, =crash kills the test host.</summary>
public sealed class RunnerCheckTests
{
    private static readonly string? Mode = Environment.GetEnvironmentVariable("RUNNER_CHECK");

    [Fact]
    public void Hang_WhenAsked_NeverReturns()
    {
        if (Mode == "hang")
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }

    [Fact]
    public void Crash_WhenAsked_KillsTheTestHost()
    {
        if (Mode == "crash")
        {
            Environment.FailFast("runner check: simulated crash");
        }
    }
}
