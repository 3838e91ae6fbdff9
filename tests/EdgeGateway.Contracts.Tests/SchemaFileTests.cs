using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;

namespace EdgeGateway.Contracts.Tests;

/// <summary>
/// Keeps schemas/snapshot.schema.json, docs/configuration.md and docs/examples/ in step with the
/// contracts library: a field, policy type or choice added on one side and not the other fails here.
/// </summary>
public sealed partial class SchemaFileTests
{
    internal static readonly string RepoRoot = FindRepoRoot();
    private static readonly JsonObject Schema = (JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot, "schemas", "snapshot.schema.json")))
        ?? throw new InvalidOperationException("schema is null")).AsObject();

    internal static readonly string[] SectionNames = ["inbound", "backend", "outbound", "onError"];

    /// <summary>Each snapshot record and the schema object(s) describing it ("#" is the root).</summary>
    private static readonly Dictionary<string, (Type Type, string[] Definitions)> Records = new()
    {
        [nameof(GatewaySnapshot)] = (typeof(GatewaySnapshot), ["#"]),
        [nameof(ApiDefinition)] = (typeof(ApiDefinition), ["api"]),
        [nameof(SubscriptionKeyParameterNames)] = (typeof(SubscriptionKeyParameterNames), ["subscriptionKeyParameterNames"]),
        [nameof(OperationDefinition)] = (typeof(OperationDefinition), ["operation"]),
        [nameof(ResponseExample)] = (typeof(ResponseExample), ["responseExample"]),
        [nameof(BackendDefinition)] = (typeof(BackendDefinition), ["backend"]),
        [nameof(HealthCheckDefinition)] = (typeof(HealthCheckDefinition), ["healthCheck"]),
        [nameof(CircuitBreakerDefinition)] = (typeof(CircuitBreakerDefinition), ["circuitBreaker"]),
        [nameof(ProductDefinition)] = (typeof(ProductDefinition), ["product"]),
        [nameof(SubscriptionDefinition)] = (typeof(SubscriptionDefinition), ["subscription"]),
        [nameof(NamedValueDefinition)] = (typeof(NamedValueDefinition), ["namedValue"]),
        [nameof(CertificateDefinition)] = (typeof(CertificateDefinition), ["certificate"]),
        [nameof(PolicySet)] = (typeof(PolicySet), ["policySet", "globalPolicySet"]),
    };

    public static TheoryData<string> RecordNames => Data(Records.Keys);

    public static TheoryData<string> PolicyTypes => Data(PolicyCatalog.KnownTypes);

    public static TheoryData<string> ExampleFiles =>
        Data(Directory.GetFiles(Path.Combine(RepoRoot, "docs", "examples"), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));

    private static JsonObject Defs => Schema["$defs"]!.AsObject();

    [Fact]
    public void Schema_Header_IsDraft202012WithIdAndClosedRoot()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)Schema["$schema"]);
        Assert.StartsWith("https://", (string?)Schema["$id"]);
        Assert.False((bool?)Schema["additionalProperties"]);
        Assert.Contains("schemaVersion", Required(Schema));
        Assert.Equal(SnapshotValidator.SupportedSchemaVersion, (int?)Schema["properties"]!["schemaVersion"]!["const"]);
    }

    [Theory]
    [MemberData(nameof(RecordNames))]
    public void RecordProperties_ComparedWithSchemaObject_SameFieldNames(string recordName)
    {
        var (type, definitions) = Records[recordName];
        var fromCode = JsonNames(type);
        foreach (var definition in definitions)
        {
            var fromSchema = PropertyNames(Definition(definition));
            Assert.True(fromCode.SetEquals(fromSchema),
                $"{recordName} vs $defs/{definition}: only in C#: [{string.Join(", ", fromCode.Except(fromSchema))}], "
                + $"only in schema: [{string.Join(", ", fromSchema.Except(fromCode))}]");
        }
    }

    [Fact]
    public void PolicyDefinition_FixedProperties_AreInEveryPolicySubschema()
    {
        var fixedNames = JsonNames(typeof(PolicyDefinition));
        Assert.Equal(new[] { "type" }, fixedNames);
        Assert.Contains("type", PropertyNames(Definition("policy")));
        foreach (var (type, schema) in Defs["policies"]!.AsObject())
        {
            Assert.True(PropertyNames(schema!.AsObject()).IsSupersetOf(fixedNames), $"policy '{type}' lacks 'type'");
            Assert.Equal(type, (string?)schema["properties"]!["type"]!["const"]);
        }
    }

    [Fact]
    public void SchemaObjects_WithProperties_RejectUnknownFieldsAndDescribeEveryProperty()
    {
        var problems = new List<string>();
        Walk(Schema, "#", (node, path) =>
        {
            // Only schema objects: a "properties" map may itself have a property named "type".
            if (node["type"] is not JsonValue kind || kind.GetValueKind() != JsonValueKind.String || (string?)kind != "object"
                || node["properties"] is not JsonObject properties)
            {
                return;
            }

            // The policy envelope is closed by its per-type subschemas (if/then), each with additionalProperties false.
            if (path != "#/$defs/policy" && (bool?)node["additionalProperties"] != false)
            {
                problems.Add($"{path}: additionalProperties is not false, but the C# rejects unknown fields");
            }

            problems.AddRange(properties.Where(p => p.Value?["description"] is null).Select(p => $"{path}/properties/{p.Key}: no description"));
        });
        Assert.Empty(problems);
    }

    [Fact]
    public void PolicyCatalog_KnownTypes_EachHasExactlyOneSubschemaAndBranch()
    {
        var known = PolicyCatalog.KnownTypes.ToHashSet(StringComparer.Ordinal);
        var subschemas = Defs["policies"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var typeEnum = Strings(Definition("policy")["properties"]!["type"]!["enum"]);
        var branches = Definition("policy")["allOf"]!.AsArray()
            .Select(b => ((string?)b!["if"]!["properties"]!["type"]!["const"], (string?)b["then"]!["$ref"])).ToList();

        Assert.True(known.SetEquals(subschemas), $"catalog only: [{string.Join(", ", known.Except(subschemas))}], schema only: [{string.Join(", ", subschemas.Except(known))}]");
        Assert.True(known.SetEquals(typeEnum), "$defs/policy/properties/type/enum differs from PolicyCatalog.KnownTypes");
        Assert.Equal(known.Order(StringComparer.Ordinal), branches.Select(b => b.Item1!).Order(StringComparer.Ordinal));
        Assert.All(branches, b => Assert.Equal($"#/$defs/policies/{b.Item1}", b.Item2));
    }

    [Theory]
    [MemberData(nameof(PolicyTypes))]
    public void PolicyCatalogEntry_ComparedWithSubschema_SameAttributesKindsRequiredAndSections(string type)
    {
        var shape = CatalogShape(type);
        var schema = Defs["policies"]![type]!.AsObject();
        Assert.False((bool?)schema["additionalProperties"]);

        var attributes = schema["properties"]!.AsObject().Where(p => p.Key != "type").ToDictionary(p => p.Key, p => p.Value!.AsObject());
        Assert.Equal(shape.Attributes.Select(a => a.Name).Order(StringComparer.Ordinal), attributes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(shape.Attributes.Where(a => a.Required).Select(a => a.Name).Append("type").Order(StringComparer.Ordinal),
            Required(schema).Order(StringComparer.Ordinal));

        foreach (var attr in shape.Attributes)
        {
            var attrSchema = attributes[attr.Name];
            Assert.True(KindMatches(attr.Kind, attrSchema), $"'{type}'.{attr.Name}: schema {attrSchema.ToJsonString()} does not describe kind {attr.Kind}");
            var schemaEnum = attrSchema["enum"] is { } e ? Strings(e) : null;
            Assert.Equal(attr.AllowedValues, schemaEnum);
        }

        foreach (var section in SectionNames)
        {
            var allowedInSchema = SectionTypes("policySet", section).Contains(type);
            Assert.True(shape.Sections.Contains(section) == allowedInSchema, $"'{type}' in {section}: catalog {shape.Sections.Contains(section)}, schema {allowedInSchema}");
            Assert.Equal(allowedInSchema && type != "base", SectionTypes("globalPolicySet", section).Contains(type));
        }
    }

    [Theory]
    [InlineData("LoadBalancingPolicies", "backend", "loadBalancing")]
    [InlineData("Protocols", "backend", "protocol")]
    [InlineData("SubscriptionStates", "subscription", "state")]
    [InlineData("ProductStates", "product", "state")]
    [InlineData("HttpMethods", "operation", "method")]
    public void ValidatorChoices_ComparedWithSchemaEnum_SameValues(string validatorField, string definition, string property)
    {
        IReadOnlyList<string> fromCode = validatorField switch
        {
            "LoadBalancingPolicies" => LoadBalancingPolicies.All,
            "Protocols" => BackendProtocols.All,
            "SubscriptionStates" => SubscriptionStates.All,
            "ProductStates" => ProductStates.All,
            "HttpMethods" => OperationMethods.All,
            _ => throw new InvalidOperationException($"no allowed-values list '{validatorField}': update this test"),
        };
        Assert.Equal(fromCode, Strings(Definition(definition)["properties"]![property]!["enum"]));
    }

    [Fact]
    public void IdPattern_ComparedWithValidator_SameRegex()
    {
        var idPattern = (string?)Definition("id")["pattern"];
        var method = typeof(SnapshotValidator).GetMethod("IdPattern", BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException("SnapshotValidator.IdPattern is gone: update this test");
        // The code ends in \z (.NET's '$' also matches before a final newline); JSON Schema's ECMA-262 '$' is the end of input.
        Assert.Equal(((Regex)method.Invoke(null, null)!).ToString().Replace(@"\z", "$", StringComparison.Ordinal), idPattern);
    }

    [Theory]
    [InlineData("00:00:30", true)]
    [InlineData("00:00:00.5", true)]
    [InlineData("1.00:00:00", true)]
    [InlineData("1:30", true)]
    [InlineData("30s", false)]
    [InlineData("24:00:00", false)]
    public void DurationPattern_AcceptsWhatTheReaderAccepts_ExceptBareDays(string value, bool accepted)
    {
        var pattern = new Regex((string)Definition("duration")["pattern"]!);
        Assert.Equal(accepted, pattern.IsMatch(value));
        var doc = $$"""{ "schemaVersion": 1, "apis": [ { "id": "a", "path": "/a", "backend": { "urls": ["http://x"], "timeout": "{{value}}" } } ] }""";
        Assert.Equal(accepted, SnapshotReader.Parse(System.Text.Encoding.UTF8.GetBytes(doc)).Snapshot is not null);
    }

    [Theory]
    [InlineData("/records/{id}.{format}", true)]
    [InlineData("/v1/{name}:cancel", true)]
    [InlineData("/search?a={a}&b={b}", true)]
    [InlineData("/a/{x}{y}", false)]
    [InlineData("records/{id}", false)]
    public void UrlTemplatePattern_RefusesWhatTheValidatorRefusesForItsShape(string template, bool accepted)
    {
        var pattern = new Regex((string)Definition("operation")["properties"]!["urlTemplate"]!["pattern"]!);

        Assert.Equal(accepted, pattern.IsMatch(template));
        Assert.Equal(accepted, UrlTemplate.TryParse(template, out _, out _));
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void ExampleFile_ParsedAndValidated_IsValid(string fileName)
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepoRoot, "docs", "examples", fileName));
        var parsed = SnapshotReader.Parse(bytes);
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));

        var report = SnapshotValidator.Validate(parsed.Snapshot);
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
    }

    [Fact]
    public void IssueSample_ParsedAndValidated_ValidAndServable()
    {
        var parsed = SnapshotReader.Parse(File.ReadAllBytes(Path.Combine(RepoRoot, "docs", "examples", "issue-2-sample.json")));
        var report = SnapshotValidator.Validate(parsed.Snapshot!);

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
    }

    [Fact]
    public void EveryPolicyExample_NamesEveryCatalogType_AndIsValid()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot, "docs", "examples", "every-policy.json")))!;
        var named = new SortedSet<string>(StringComparer.Ordinal);
        void Collect(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    if (o["type"] is JsonValue v && v.TryGetValue<string>(out var type) && PolicyCatalog.KnownTypes.Contains(type))
                    {
                        named.Add(type);
                    }

                    foreach (var (_, child) in o)
                    {
                        Collect(child);
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Collect(child);
                    }

                    break;
            }
        }

        Collect(json);
        Assert.Equal(PolicyCatalog.KnownTypes.Order(StringComparer.Ordinal), named);

        var parsed = SnapshotReader.Parse(File.ReadAllBytes(Path.Combine(RepoRoot, "docs", "examples", "every-policy.json")));
        Assert.True(parsed.Snapshot is not null, string.Join("\n", parsed.Errors));
        var report = SnapshotValidator.Validate(parsed.Snapshot);
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
    }

    [Fact]
    public void MinimalExample_Validated_IsServable()
    {
        var parsed = SnapshotReader.Parse(File.ReadAllBytes(Path.Combine(RepoRoot, "docs", "examples", "minimal.json")));
        Assert.True(SnapshotValidator.Validate(parsed.Snapshot!).IsValid);
    }

    [Fact]
    public void ConfigurationDoc_ExampleBlocks_EqualTheExampleFiles()
    {
        var doc = ReadDoc();
        var blocks = ExampleBlock().Matches(doc).ToDictionary(m => m.Groups["file"].Value, m => m.Groups["json"].Value);
        var files = Directory.GetFiles(Path.Combine(RepoRoot, "docs", "examples"), "*.json")
            .Select(f => Path.GetRelativePath(RepoRoot, f).Replace('\\', '/')).ToList();

        Assert.Equal(files.Order(StringComparer.Ordinal), blocks.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, json) in blocks)
        {
            Assert.Equal(Normalize(File.ReadAllText(Path.Combine(RepoRoot, file))), Normalize(json));
        }
    }

    [Fact]
    public void ConfigurationDoc_FieldsAndPolicyTypes_AreAllMentioned()
    {
        var doc = ReadDoc();
        var names = Records.Values.SelectMany(r => JsonNames(r.Type)).Concat(PolicyCatalog.KnownTypes).Distinct(StringComparer.Ordinal);
        var missing = names.Where(n => !doc.Contains($"`{n}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/configuration.md does not mention: {string.Join(", ", missing)}");
    }

    private static TheoryData<string> Data(IEnumerable<string> values)
    {
        var data = new TheoryData<string>();
        foreach (var value in values)
        {
            data.Add(value);
        }

        return data;
    }

    private static HashSet<string> JsonNames(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonExtensionDataAttribute>() is null && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .ToHashSet(StringComparer.Ordinal);

    private static JsonObject Definition(string name) => name == "#" ? Schema : Defs[name]?.AsObject()
        ?? throw new InvalidOperationException($"the schema has no $defs/{name}");

    private static HashSet<string> PropertyNames(JsonObject schema) =>
        schema["properties"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

    private static string[] Required(JsonObject schema) => schema["required"] is { } r ? Strings(r) : [];

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => (string)n!)];

    /// <summary>The policy types a policy set's section admits: its items are allOf [policy, { type enum }].</summary>
    private static HashSet<string> SectionTypes(string policySet, string section) =>
        Strings(Definition(policySet)["properties"]![section]!["items"]!["allOf"]![1]!["properties"]!["type"]!["enum"]).ToHashSet(StringComparer.Ordinal);

    private static bool KindMatches(string kind, JsonObject schema) => kind switch
    {
        "String" => (string?)schema["type"] == "string",
        "Integer" => (string?)schema["type"] == "integer" && (int?)schema["minimum"] == 0,
        "Boolean" => (string?)schema["type"] == "boolean",
        "StringList" => (string?)schema["type"] == "array" && (string?)schema["items"]?["type"] == "string",
        "Object" => (string?)schema["type"] == "object",
        "ObjectList" => (string?)schema["type"] == "array" && (string?)schema["items"]?["type"] == "object",
        "PolicyList" => IsPolicyList(schema),
        "BranchList" => (string?)schema["type"] == "array" && (string?)schema["items"]?["type"] == "object"
            && schema["items"]!["properties"]?["condition"]?["type"] is JsonValue condition && (string?)condition == "string"
            && schema["items"]!["properties"]!["policies"] is JsonObject policies && IsPolicyList(policies),
        _ => false,
    };

    /// <summary>An array of policies: each item the policy envelope (whose per-type subschemas the validator's rules back).</summary>
    private static bool IsPolicyList(JsonObject schema) =>
        (string?)schema["type"] == "array" && (string?)schema["items"]?["$ref"] == "#/$defs/policy";

    private static void Walk(JsonNode? node, string path, Action<JsonObject, string> visit)
    {
        switch (node)
        {
            case JsonObject obj:
                visit(obj, path);
                foreach (var (key, child) in obj)
                {
                    Walk(child, $"{path}/{key}", visit);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{path}/{i}", visit);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>PolicyCatalog's internal table, read by reflection so the test sees exactly what the validator checks.</summary>
    internal static CatalogEntry CatalogShape(string type)
    {
        var shapes = typeof(PolicyCatalog).GetField("Shapes", BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null) as IDictionary
            ?? throw new InvalidOperationException("PolicyCatalog.Shapes is gone: update this test");
        var shape = shapes[type] ?? throw new InvalidOperationException($"no catalog entry '{type}'");
        var allowedIn = Convert.ToInt32(Property(shape, "AllowedIn"), System.Globalization.CultureInfo.InvariantCulture);
        var sections = SectionNames.Where((_, bit) => (allowedIn & (1 << bit)) != 0).ToHashSet(StringComparer.Ordinal);
        var attributes = ((IEnumerable)Property(shape, "Attributes")!).Cast<object>().Select(a => new CatalogAttr(
            (string)Property(a, "Name")!,
            Property(a, "Kind")!.ToString()!,
            (bool)Property(a, "Required")!,
            ((IReadOnlyList<string>?)Property(a, "AllowedValues"))?.ToArray())).ToList();
        return new CatalogEntry(sections, attributes);
    }

    private static object? Property(object target, string name) =>
        (target.GetType().GetProperty(name) ?? throw new InvalidOperationException($"{target.GetType().Name}.{name} is gone: update this test")).GetValue(target);

    private static string ReadDoc() => File.ReadAllText(Path.Combine(RepoRoot, "docs", "configuration.md"));

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeGateway.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"EdgeGateway.slnx not found above {AppContext.BaseDirectory}");
    }

    /// <summary>A complete example in the doc: a marker comment naming its file, then a json block.</summary>
    [GeneratedRegex(@"<!-- example: (?<file>docs/examples/[\w.-]+\.json) -->\r?\n```json\r?\n(?<json>.*?)\r?\n```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();

    internal sealed record CatalogEntry(HashSet<string> Sections, IReadOnlyList<CatalogAttr> Attributes);

    internal sealed record CatalogAttr(string Name, string Kind, bool Required, string[]? AllowedValues);
}
