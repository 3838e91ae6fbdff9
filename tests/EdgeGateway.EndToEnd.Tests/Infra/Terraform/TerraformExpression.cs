using System.Text.RegularExpressions;

namespace EdgeGateway.EndToEnd.Tests.Infra.Terraform;

/// <summary>Reads the simple expressions the checks rely on, as hcl2json leaves them (<c>${aws_iam_role.x.arn}</c>).</summary>
internal static partial class TerraformExpression
{
    /// <summary>The address of a whole-value reference to a resource or data source: <c>${aws_iam_role.x.arn}</c> gives
    /// <c>aws_iam_role.x</c>, <c>${data.aws_iam_policy_document.d.json}</c> gives <c>data.aws_iam_policy_document.d</c>;
    /// null for anything else (a literal, a function call, text around the reference).</summary>
    public static string? Address(string? expression)
    {
        var match = expression is null ? null : WholeReference().Match(expression);
        return match is { Success: true } ? match.Groups["address"].Value : null;
    }

    /// <summary>The expression inside <c>${...}</c> when the value is exactly one interpolation, else null.</summary>
    public static string? Inner(string? expression) =>
        expression is not null && expression.StartsWith("${", StringComparison.Ordinal) && expression.EndsWith('}') && expression.IndexOf("${", 2, StringComparison.Ordinal) < 0
            ? expression[2..^1]
            : null;

    [GeneratedRegex(@"^\$\{(?<address>(data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)(\[[0-9]+\])?\.[a-z_]+\}$")]
    private static partial Regex WholeReference();
}
