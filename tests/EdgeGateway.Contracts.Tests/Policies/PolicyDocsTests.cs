using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Policies.Expressions;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests.Policies;

/// <summary>Keeps docs/policies.md#expressions in step with the compiler: what it lists, its examples, its quoted error.</summary>
public sealed partial class PolicyDocsTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(FindRepoRoot(), "docs", "policies.md"));

    public static TheoryData<string> ContextPaths => [.. ContextMembers.Properties.Keys, .. ContextMembers.Lookups.Keys];

    [Theory]
    [MemberData(nameof(ContextPaths))]
    public void Doc_EverySupportedContextPath_Listed(string path)
    {
        Assert.Contains($"`{path}", Doc, StringComparison.Ordinal);
    }

    [Fact]
    public void Doc_ExamplesBlock_ValidatesWithoutErrors()
    {
        var block = ExamplesBlock().Match(Doc).Groups["json"].Value;
        var json = $$"""{ "schemaVersion": 1, "namedValues": [ { "id": "idp-host", "value": "login.example.com" } ], "policies": {{block}} }""";

        var parsed = SnapshotReader.Parse(Samples.Utf8(json));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        var report = SnapshotValidator.Validate(parsed.Snapshot!);

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void Doc_QuotedRefusal_IsWhatTheValidatorSays()
    {
        var quoted = RefusalLine().Match(Doc).Value;
        var error = Assert.Single(PolicyExpressions.CompileValue("@(context.Request.Body.As<string>())", NamedValueSet.Empty, EdgeGateway.Contracts.Policies.Sections.Inbound).Errors);

        Assert.Equal($"apis[0].policies.inbound[1].value: {error}", quoted);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeGateway.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (EdgeGateway.slnx) not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"### Examples.*?```json\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExamplesBlock();

    [GeneratedRegex(@"apis\[0\]\.policies\.inbound\[1\]\.value: .*")]
    private static partial Regex RefusalLine();
}
