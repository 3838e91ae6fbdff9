using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Policies;

/// <summary>
/// APIM's choose: the policies of the first <c>when</c> whose condition is true, else those of <c>otherwise</c>, run as
/// part of the section the choose stands in. Conditions and nested steps are compiled with the snapshot; a nested
/// step's answer (return-response) or failure (into onError) is the choose's own.
/// </summary>
internal sealed class Choose((PolicyCondition Condition, PolicyStep[] Steps)[] branches, PolicyStep[] otherwise) : PolicyStep
{
    public static Choose Create(IReadOnlyDictionary<string, System.Text.Json.JsonElement>? attributes, NamedValueSet namedValues,
        Sections section, Func<PolicyDefinition, PolicyStep> compile)
    {
        var branches = new List<(PolicyCondition, PolicyStep[])>();
        if (attributes is not null && attributes.TryGetValue(ChoosePolicy.When, out var when))
        {
            foreach (var branch in when.EnumerateArray())
            {
                var text = branch.GetProperty(ChoosePolicy.Condition).GetString()!;
                var compiled = PolicyExpressions.CompileCondition(text, namedValues, section);
                var condition = compiled.Condition
                    ?? throw new InvalidOperationException($"validated choose condition failed to compile: {string.Join("; ", compiled.Errors)}");
                var steps = branch.TryGetProperty(ChoosePolicy.Policies, out var list) ? Steps(list, compile) : [];
                branches.Add((condition, steps));
            }
        }

        var otherwise = attributes is not null && attributes.TryGetValue(ChoosePolicy.Otherwise, out var rest) ? Steps(rest, compile) : [];
        return new([.. branches], otherwise);
    }

    // The pipeline calls ApplyAsync: a nested step may wait, and then so does the choose.
    public override PolicyResult Apply(PolicyRun run) => throw new NotSupportedException("choose runs through ApplyAsync");

    public override ValueTask<PolicyResult> ApplyAsync(PolicyRun run)
    {
        foreach (var (condition, steps) in branches)
        {
            if (condition.Evaluate(run))
            {
                return steps.Length == 0 ? new(PolicyResult.Continue) : PolicyPipeline.RunAsync(steps, run, run.Section);
            }
        }

        return otherwise.Length == 0 ? new(PolicyResult.Continue) : PolicyPipeline.RunAsync(otherwise, run, run.Section);
    }

    private static PolicyStep[] Steps(System.Text.Json.JsonElement list, Func<PolicyDefinition, PolicyStep> compile) =>
        [.. ChoosePolicy.Read(list).Select(p => compile(p ?? throw new InvalidOperationException("validated choose holds a non-policy")))];
}
