using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies;

/// <summary>APIM's set-variable: a value later policies read as <c>context.Variables["name"]</c> (kept as text).</summary>
internal sealed class SetVariable(string name, PolicyValue value) : PolicyStep
{
    // The name is literal (the validator refuses expressions) once named values are substituted: a constant.
    public static SetVariable Create(PolicyAttributes a) => new(a.RequiredValue("name").Evaluate(null!), a.RequiredValue("value"));

    public override PolicyResult Apply(PolicyRun run)
    {
        run.SetVariable(name, value.Evaluate(run));
        return PolicyResult.Continue;
    }
}
