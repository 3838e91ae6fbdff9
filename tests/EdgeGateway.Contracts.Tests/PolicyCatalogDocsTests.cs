using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests;

/// <summary>
/// Keeps the policy catalog and what users read about it in step (SchemaFileTests does the same for the JSON Schema):
/// docs/configuration.md's table row of every type, its list of enforced types, and docs/policies.md's section of every
/// enforced type — each attribute described, the APIM counterpart named, and its JSON example valid.
/// </summary>
public sealed partial class PolicyCatalogDocsTests
{
    private static readonly string Configuration = File.ReadAllText(Path.Combine(SchemaFileTests.RepoRoot, "docs", "configuration.md"));
    private static readonly string Policies = File.ReadAllText(Path.Combine(SchemaFileTests.RepoRoot, "docs", "policies.md"));

    public static TheoryData<string> Types => [.. PolicyCatalog.KnownTypes];

    public static TheoryData<string> EnforcedTypes => [.. PolicyCatalog.KnownTypes.Where(t => t != PolicyCatalog.Base)];

    [Theory]
    [MemberData(nameof(Types))]
    public void ConfigurationTableRow_ComparedWithCatalog_SameSectionsAndAttributes(string type)
    {
        var row = Configuration.Split('\n').SingleOrDefault(l => l.StartsWith($"| `{type}` |", StringComparison.Ordinal));
        Assert.True(row is not null, $"docs/configuration.md has no policy table row for '{type}'");
        var cells = row!.Split(" | ").Select(c => c.Trim(' ', '|')).ToArray();
        var shape = SchemaFileTests.CatalogShape(type);

        var sections = cells[1] == "all" ? SchemaFileTests.SectionNames.ToHashSet() : cells[1].Split(", ").Select(s => s == "onError" ? s : s.ToLowerInvariant()).ToHashSet();
        Assert.Equal(shape.Sections.Order(StringComparer.Ordinal), sections.Order(StringComparer.Ordinal));
        Assert.Equal(shape.Attributes.Where(a => a.Required).Select(a => a.Name).Order(StringComparer.Ordinal), AttributeNames(cells[2]));
        Assert.Equal(shape.Attributes.Where(a => !a.Required).Select(a => a.Name).Order(StringComparer.Ordinal), AttributeNames(cells[3]));
    }

    [Fact]
    public void ConfigurationEnforcementParagraph_ListsExactlyTheEnforcedTypes()
    {
        var paragraph = EnforcementParagraph().Match(Configuration);
        Assert.True(paragraph.Success, "docs/configuration.md lost its **Enforcement.** paragraph");
        var listed = Ticked().Matches(paragraph.Groups["list"].Value).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);

        Assert.Equal(PolicyCatalog.KnownTypes.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public void PoliciesDocStatus_SaysEveryTypeIsEnforced_AndNamesNoneAsPending()
    {
        var status = string.Concat(Policies.Split('\n').SkipWhile(l => !l.StartsWith("> **Status.**", StringComparison.Ordinal)).TakeWhile(l => l.StartsWith('>')));
        Assert.True(status.Length > 0, "docs/policies.md lost its status note");

        Assert.Contains("enforces every policy type of the catalog", status, StringComparison.Ordinal);
        Assert.DoesNotContain("not enforced", status, StringComparison.Ordinal);
    }

    [Fact]
    public void PoliciesDoc_EnforcedSections_AreExactlyTheEnforcedTypes()
    {
        var enforcedPart = Policies[Policies.IndexOf("\n## Enforced policies", StringComparison.Ordinal)..];
        var documented = Heading().Matches(enforcedPart).Select(m => m.Groups[1].Value).Where(t => PolicyCatalog.KnownTypes.Contains(t));

        Assert.Equal(PolicyCatalog.KnownTypes.Where(t => t != PolicyCatalog.Base).Order(StringComparer.Ordinal),
            documented.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(EnforcedTypes))]
    public void PoliciesDocSection_OfEnforcedType_DescribesEveryAttributeNamesApimAndHasAValidExample(string type)
    {
        var section = Section(type);
        var shape = SchemaFileTests.CatalogShape(type);

        var undescribed = shape.Attributes.Select(a => a.Name).Where(n => !section.Contains($"`{n}`", StringComparison.Ordinal)).ToList();
        Assert.True(undescribed.Count == 0, $"docs/policies.md '### {type}' does not describe: {string.Join(", ", undescribed)}");
        Assert.Contains("APIM counterpart", Regex.Replace(section, @"\s+", " "), StringComparison.Ordinal);

        var examples = JsonBlock().Matches(section).Select(m => m.Groups["json"].Value).ToList();
        Assert.True(examples.Count > 0, $"docs/policies.md '### {type}' has no ```json example");
        var policies = examples.SelectMany(PoliciesIn).Where(p => (string?)p["type"] == type).ToList();
        Assert.True(policies.Count > 0, $"docs/policies.md '### {type}': no example is a '{type}' policy");
        foreach (var policy in policies)
        {
            var errors = Validate(policy, shape.Sections.First());
            Assert.True(errors.Count == 0, $"docs/policies.md '### {type}' example {policy.ToJsonString()}:\n{string.Join("\n", errors)}");
        }
    }

    /// <summary>The text from <c>### type</c> to the next heading of the same or a higher level.</summary>
    private static string Section(string type)
    {
        var start = Policies.IndexOf($"\n### {type}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/policies.md has no '### {type}' section");
        var end = NextHeading().Match(Policies, start + 5);
        return end.Success ? Policies[start..end.Index] : Policies[start..];
    }

    private static IEnumerable<JsonObject> PoliciesIn(string json)
    {
        var node = JsonNode.Parse(json);
        return node switch
        {
            JsonObject o => [o],
            JsonArray a => a.OfType<JsonObject>(),
            _ => [],
        };
    }

    /// <summary>The example placed in an API's section; named values it references are defined, with placeholder text.</summary>
    private static List<string> Validate(JsonObject policy, string section)
    {
        var namedValues = NamedValue().Matches(policy.ToJsonString()).Select(m => m.Groups[1].Value).Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(id => $$"""{ "id": "{{id}}", "value": "placeholder" }""");
        var json = $$"""
            { "schemaVersion": 1, "namedValues": [ {{string.Join(",", namedValues)}} ],
              "apis": [ { "id": "a", "path": "/a", "subscriptionRequired": false, "backend": { "urls": ["http://127.0.0.1:1"] },
                          "policies": { "{{section}}": [ {{policy.ToJsonString()}} ] } } ] }
            """;
        var parsed = SnapshotReader.Parse(System.Text.Encoding.UTF8.GetBytes(json));
        if (parsed.Snapshot is null)
        {
            return [.. parsed.Errors.Select(e => e.ToString())];
        }

        return [.. SnapshotValidator.Validate(parsed.Snapshot, new ValidationOptions { AllowPlainKeys = true }).Errors.Select(e => e.ToString())];
    }

    private static IEnumerable<string> AttributeNames(string cell) =>
        AttributeName().Matches(cell).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);

    [GeneratedRegex(@"`([A-Za-z]+)` \(")]
    private static partial Regex AttributeName();

    [GeneratedRegex(@"\*\*Enforcement\.\*\* This build enforces (?<list>[^(]*)\(")]
    private static partial Regex EnforcementParagraph();

    [GeneratedRegex(@"`([a-z-]+)`")]
    private static partial Regex Ticked();

    [GeneratedRegex(@"^### ([a-z-]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^#{1,3} ", RegexOptions.Multiline)]
    private static partial Regex NextHeading();

    [GeneratedRegex(@"```json\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    [GeneratedRegex(@"\{\{([^{}]+)\}\}")]
    private static partial Regex NamedValue();
}
