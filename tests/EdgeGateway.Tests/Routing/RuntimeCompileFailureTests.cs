using EdgeGateway.Routing;

namespace EdgeGateway.Tests.Routing;

/// <summary>A config that validation let through but compilation cannot build is refused, never thrown at a start-up or a sync loop.</summary>
public sealed class RuntimeCompileFailureTests
{
    [Fact]
    public void TryCreate_CompileThrows_NoRuntimeAndAProblemThatQuotesNothingOfTheConfig()
    {
        var runtime = GatewayRuntime.TryCreate(() => throw new FormatException("value 'tok-secret-1234' is not an int"), out var problem);

        Assert.Null(runtime);
        Assert.Contains("could not compile", problem, StringComparison.Ordinal);
        Assert.Contains(nameof(FormatException), problem, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-secret-1234", problem, StringComparison.Ordinal);
    }
}
