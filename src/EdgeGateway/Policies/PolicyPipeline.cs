namespace EdgeGateway.Policies;

/// <summary>
/// The policies one request runs, in order, per section: global, product, API and operation scopes already merged
/// around their <c>base</c> elements. Immutable; built when the snapshot is compiled.
/// </summary>
internal sealed class PolicyPipeline(PolicyStep[] inbound, PolicyStep[] backend, PolicyStep[] outbound, PolicyStep[] onError)
{
    public static readonly PolicyPipeline Empty = new([], [], [], []);

    public const string CannotEvaluate = "A policy of this API could not be evaluated by the gateway.";

    public PolicyStep[] Inbound { get; } = inbound;

    public PolicyStep[] Backend { get; } = backend;

    public PolicyStep[] Outbound { get; } = outbound;

    public PolicyStep[] OnError { get; } = onError;

    /// <summary>The cors policies directly in inbound, in order: what answers a preflight before the subscription check (APIM evaluates only cors on a preflight).</summary>
    public Cors[] Cors { get; } = [.. inbound.OfType<Cors>()];

    /// <summary>No policy anywhere: the request takes the plain proxy path, exactly as without policies.</summary>
    public bool IsEmpty => Inbound.Length == 0 && Backend.Length == 0 && Outbound.Length == 0 && OnError.Length == 0;

    /// <summary>
    /// Runs one section until a step answers or fails. Completes synchronously (no task allocated) until a step
    /// actually waits; from there the rest of the section runs asynchronously.
    /// </summary>
    public static ValueTask<PolicyResult> RunAsync(PolicyStep[] steps, PolicyRun run, Contracts.Policies.Sections section)
    {
        run.Section = section;
        for (var i = 0; i < steps.Length; i++)
        {
            var pending = Start(steps[i], run);
            if (!pending.IsCompletedSuccessfully)
            {
                return Continue(pending, steps, i, run);
            }

            if (pending.Result != PolicyResult.Continue)
            {
                return pending;
            }
        }

        return new(PolicyResult.Continue);
    }

    private static async ValueTask<PolicyResult> Continue(ValueTask<PolicyResult> pending, PolicyStep[] steps, int index, PolicyRun run)
    {
        var result = await Settle(pending, run);
        for (var i = index + 1; result == PolicyResult.Continue && i < steps.Length; i++)
        {
            result = await Settle(Start(steps[i], run), run);
        }

        return result;
    }

    private static ValueTask<PolicyResult> Start(PolicyStep step, PolicyRun run)
    {
        try
        {
            return step.ApplyAsync(run);
        }
        catch (InvalidOperationException)
        {
            return new(CannotBeEvaluated(run));
        }
    }

    private static async ValueTask<PolicyResult> Settle(ValueTask<PolicyResult> pending, PolicyRun run)
    {
        try
        {
            return await pending;
        }
        catch (InvalidOperationException)
        {
            return CannotBeEvaluated(run);
        }
    }

    // A value that cannot be evaluated here: a secret named value the management plane withheld.
    // Its message names the text, never a value; the client gets the generic answer.
    private static PolicyResult CannotBeEvaluated(PolicyRun run) =>
        run.Fail(new PolicyError("policy", "PolicyEvaluationFailed", CannotEvaluate, StatusCodes.Status500InternalServerError));
}

/// <summary>
/// A route's pipelines: the one for requests without a product, and one per product that has policies of its own.
/// Product variants are compiled at load, not lazily: an API is in a few products, compiling them is work done once
/// per snapshot (as the rest of the route), and a request never waits on, or races, a first compile.
/// </summary>
internal sealed class PipelineSet(PolicyPipeline withoutProduct, IReadOnlyDictionary<string, PolicyPipeline> byProduct)
{
    public static readonly PipelineSet Empty = new(PolicyPipeline.Empty, new Dictionary<string, PolicyPipeline>());

    public PolicyPipeline For(string? productId) =>
        productId is not null && byProduct.Count > 0 && byProduct.TryGetValue(productId, out var pipeline) ? pipeline : withoutProduct;
}
