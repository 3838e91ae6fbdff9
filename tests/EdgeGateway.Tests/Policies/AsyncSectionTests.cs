using EdgeGateway.Contracts.Policies;
using EdgeGateway.Policies;
using static EdgeGateway.Tests.Policies.PipelineHarness;

namespace EdgeGateway.Tests.Policies;

/// <summary>A step that waits (validate-jwt fetching keys, a shared counter) keeps the section's order and its outcome.</summary>
public sealed class AsyncSectionTests
{
    private static PolicyRun Run() => new PipelineHarness(Doc("""
        [ { "id": "a", "path": "/a", "backend": { "urls": ["http://127.0.0.1:1"] } } ]
        """)).Run("a");

    [Fact]
    public async Task RunAsync_StepWaits_LaterStepsRunAfterItInOrder()
    {
        var run = Run();
        var order = new List<string>();
        PolicyStep[] steps = [new Recording("first", order), new Waiting("waits", order), new Recording("last", order)];

        var result = await PolicyPipeline.RunAsync(steps, run, Sections.Inbound);

        Assert.Equal(PolicyResult.Continue, result);
        Assert.Equal(["first", "waits", "last"], order);
    }

    [Fact]
    public async Task RunAsync_WaitingStepFails_LaterStepsDoNotRunAndTheErrorIsKept()
    {
        var run = Run();
        var order = new List<string>();
        PolicyStep[] steps = [new Waiting("waits", order, fail: true), new Recording("never", order)];

        var result = await PolicyPipeline.RunAsync(steps, run, Sections.Inbound);

        Assert.Equal(PolicyResult.Failed, result);
        Assert.Equal(["waits"], order);
        Assert.Equal("Waiting", run.LastError!.Reason);
    }

    [Fact]
    public async Task RunAsync_WaitingStepThrowsInvalidOperation_FailsWithTheGenericAnswer()
    {
        var run = Run();

        var result = await PolicyPipeline.RunAsync([new Throwing()], run, Sections.Inbound);

        Assert.Equal(PolicyResult.Failed, result);
        Assert.Equal("PolicyEvaluationFailed", run.LastError!.Reason);
        Assert.DoesNotContain("secret", run.LastError.Message, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class Recording(string name, List<string> order) : PolicyStep
    {
        public override PolicyResult Apply(PolicyRun run)
        {
            order.Add(name);
            return PolicyResult.Continue;
        }
    }

    private sealed class Waiting(string name, List<string> order, bool fail = false) : PolicyStep
    {
        public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException("waits");

        public override async ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
        {
            await Task.Yield();
            order.Add(name);
            return fail ? run.Fail(new PolicyError("test", "Waiting", "failed after waiting", 500)) : PolicyResult.Continue;
        }
    }

    private sealed class Throwing : PolicyStep
    {
        public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException();

        public override async ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
        {
            await Task.Yield();
            throw new InvalidOperationException("named value 'secret-token' is withheld");
        }
    }
}
