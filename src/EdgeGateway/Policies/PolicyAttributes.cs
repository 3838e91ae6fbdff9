using System.Text.Json;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Policies;

/// <summary>
/// A validated policy's attributes, read into compiled values at load. The validator has run: a shape this cannot read
/// is a bug, so it throws (at load, never per request).
/// </summary>
internal readonly struct PolicyAttributes(IReadOnlyDictionary<string, JsonElement>? attributes, NamedValueSet namedValues, Sections section)
{
    public Sections Section => section;

    public PolicyValue? Value(string name) =>
        attributes is not null && attributes.TryGetValue(name, out var element) ? Compile(element) : null;

    public PolicyValue RequiredValue(string name) =>
        Value(name) ?? throw new InvalidOperationException($"validated policy lacks '{name}'");

    public string? Text(string name) =>
        attributes is not null && attributes.TryGetValue(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    public int? Int(string name) =>
        attributes is not null && attributes.TryGetValue(name, out var element) && element.ValueKind == JsonValueKind.Number ? element.GetInt32() : null;

    public bool? Bool(string name) =>
        attributes is not null && attributes.TryGetValue(name, out var element) && element.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? element.GetBoolean() : null;

    public PolicyValue[] Values(string name) =>
        attributes is not null && attributes.TryGetValue(name, out var element) && element.ValueKind == JsonValueKind.Array
            ? [.. element.EnumerateArray().Select(Compile)] : [];

    /// <summary>
    /// A list of literals (named values allowed, no expressions: validated so), trimmed; null when one references a secret
    /// the management plane withheld (the policy is then unevaluable, see <see cref="Unevaluable"/>).
    /// </summary>
    public string[]? Literals(string name)
    {
        var values = Values(name);
        var texts = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (IpFilter.Literal(values[i]) is not { } text)
            {
                return null;
            }

            texts[i] = text.Trim();
        }

        return texts;
    }

    public IEnumerable<PolicyAttributes> Objects(string name)
    {
        if (attributes is null || !attributes.TryGetValue(name, out var element) || element.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var item in element.EnumerateArray())
        {
            yield return new(item.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal), namedValues, section);
        }
    }

    /// <summary>A nested object attribute (validate-jwt's openidConfig), or null when absent.</summary>
    public PolicyAttributes? Object(string name) =>
        attributes is not null && attributes.TryGetValue(name, out var element) && element.ValueKind == JsonValueKind.Object
            ? new(element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal), namedValues, section)
            : null;

    /// <summary>A required condition, compiled for the section whose context it reads (retry's condition reads the response, as outbound would).</summary>
    public PolicyCondition RequiredCondition(string name, Sections evaluatedIn) =>
        Condition(name, evaluatedIn) ?? throw new InvalidOperationException($"validated policy lacks '{name}'");

    /// <summary>
    /// A condition attribute, compiled for the section whose context it is evaluated in (rate-limit's incrementCondition:
    /// outbound, once the response is known); null when absent.
    /// </summary>
    public PolicyCondition? Condition(string name, Sections evaluatedIn)
    {
        if (attributes is null || !attributes.TryGetValue(name, out var element))
        {
            return null;
        }

        var text = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
        var result = PolicyExpressions.CompileCondition(text, namedValues, evaluatedIn);
        return result.Condition ?? throw new InvalidOperationException($"validated condition failed to compile: {string.Join("; ", result.Errors)}");
    }

    /// <summary>value and values together, as set-header and set-query-parameter take them (APIM: one or more &lt;value&gt;).</summary>
    public PolicyValue[] ValueOrValues()
    {
        var single = Value("value");
        var list = Values("values");
        return single is null ? list : [single, .. list];
    }

    private PolicyValue Compile(JsonElement element)
    {
        var text = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
        var result = PolicyExpressions.CompileValue(text, namedValues, section);
        return result.Value ?? throw new InvalidOperationException($"validated policy value failed to compile: {string.Join("; ", result.Errors)}");
    }
}
