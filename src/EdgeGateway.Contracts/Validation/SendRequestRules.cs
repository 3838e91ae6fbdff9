using System.Text.Json;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Policies.Expressions;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// <c>send-request</c> and <c>send-one-way-request</c>: a timeout from 1 to <see cref="SendRequestPolicy.MaxTimeoutSeconds"/>
/// seconds; children of the side request's own types (set-url only here), each checked against its shape and by the rules
/// of its type (header names, methods, bodies); exactly one set-url in mode new (copy starts from the request's URL), at most
/// one. What the children's strings say (named values, expressions) is checked by <see cref="PolicyValueRule"/> with the
/// rest of the policy's attributes, in the section the policy stands in.
/// </summary>
internal sealed class SendRequestRules : IPolicyRule
{
    private static readonly IPolicyRule[] ChildRules = [new PolicyAttributeRule(), new HeaderNameRule(), new RequestLineRule(), new BodyRule(), new AuthenticationCertificateRules(),
        new IdentityRules()];

    public bool AppliesTo(string type) => type is SendRequestPolicy.Type or SendRequestPolicy.OneWayType;

    public void Validate(PolicyItem item, ValidationContext context)
    {
        var attributes = item.Policy.Attributes;
        if (attributes is null)
        {
            return; // PolicyAttributeRule reports what is required
        }

        if (attributes.TryGetValue("timeout", out var timeout) && timeout.ValueKind == JsonValueKind.Number && timeout.TryGetInt32(out var seconds)
            && seconds is < 1 or > SendRequestPolicy.MaxTimeoutSeconds)
        {
            context.Error($"{item.Path}.timeout", $"seconds before the side call fails: 1 to {SendRequestPolicy.MaxTimeoutSeconds} (default {SendRequestPolicy.DefaultTimeoutSeconds})");
        }

        var copy = attributes.TryGetValue("mode", out var mode) && mode.ValueKind == JsonValueKind.String && mode.GetString() == "copy";
        var urls = 0;
        if (attributes.TryGetValue(SendRequestPolicy.Children, out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var children = ChoosePolicy.Read(list);
            for (var i = 0; i < children.Count; i++)
            {
                var path = $"{item.Path}.{SendRequestPolicy.Children}[{i}]";
                if (Child(path, children[i], item, children, i, context))
                {
                    urls++;
                    if (urls == 2)
                    {
                        context.Error($"{path}.type", "a second set-url: the side request has one URL");
                    }
                }
            }
        }

        if (urls == 0 && !copy)
        {
            context.Error($"{item.Path}.{SendRequestPolicy.Children}", "needs a { \"type\": \"set-url\", \"url\": ... } child in mode new (only mode copy starts from the request's URL)");
        }
    }

    /// <summary>Checks one child; true when it is a set-url.</summary>
    private static bool Child(string path, Snapshot.PolicyDefinition? child, PolicyItem item, IReadOnlyList<Snapshot.PolicyDefinition?> siblings, int index,
        ValidationContext context)
    {
        if (child is null)
        {
            context.Error(path, "must be an object");
            return false;
        }

        if (string.IsNullOrEmpty(child.Type))
        {
            context.Error($"{path}.type", $"required: one of {string.Join(", ", SendRequestPolicy.ChildTypes)}");
            return false;
        }

        if (!SendRequestPolicy.TryGetChild(child.Type, out var shape))
        {
            context.Error($"{path}.type", $"'{child.Type}' is not allowed inside {item.Policy.Type} (allowed: {string.Join(", ", SendRequestPolicy.ChildTypes)})");
            return false;
        }

        var childItem = new PolicyItem(path, child, shape, item.Scope, item.Section, siblings!, index);
        foreach (var rule in ChildRules)
        {
            if (rule is PolicyAttributeRule || rule.AppliesTo(shape.Type))
            {
                rule.Validate(childItem, context);
            }
        }

        // The parent's PolicyValueRule compiles the children's strings as values inside an object: the literal-only attributes
        // of the child's own shape (a variable's name, a client id) are checked here.
        foreach (var (name, value) in child.Attributes ?? [])
        {
            if (shape.Attributes.FirstOrDefault(a => a.Name == name) is { } attr)
            {
                PolicyValueRule.RefusesExpression(childItem, attr, value, context);
            }
        }

        if (shape.Type == SendRequestPolicy.SetUrl && PolicyLiterals.Of(childItem, "url", context) is { } url
            && SendRequestUrl.Error(url, echo: !PolicyExpressions.IsTemplate(child.Attributes!["url"].GetString()!)) is { } error)
        {
            context.Error($"{path}.url", error);
        }

        return shape.Type == SendRequestPolicy.SetUrl;
    }

}

/// <summary>What a side request's URL must be, for both planes (a literal at load) and the gateway (an expression's result per request).</summary>
public static class SendRequestUrl
{
    /// <summary>The URL to send to, when <paramref name="url"/> is an absolute http or https URL with a host (parsed once: the gateway sends this).</summary>
    public static bool TryParse(string url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? uri) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;

    /// <summary>
    /// Why a side request cannot go to <paramref name="url"/>, or null. <paramref name="echo"/> false: the message does not
    /// quote it (a URL made with named values may hold a secret one, and the message reaches a 400 and a log).
    /// </summary>
    public static string? Error(string url, bool echo = true) =>
        TryParse(url, out _)
            ? null
            : echo
                ? $"'{(url.Length <= 100 ? url : string.Concat(url.AsSpan(0, 97), "..."))}' is not an absolute http or https URL"
                : "is not an absolute http or https URL once its named values are put in";
}

/// <summary>
/// <c>cache-store-value</c>: a duration of at least one second (a value kept for no time is not stored). The other value
/// policies need no more than their shapes: the key is any text, and cachingType is the catalog's enum.
/// </summary>
internal sealed class CacheValueRules : IPolicyRule
{
    public bool AppliesTo(string type) => type == "cache-store-value";

    public void Validate(PolicyItem item, ValidationContext context)
    {
        if (item.Policy.Attributes?.TryGetValue("duration", out var duration) == true && duration.ValueKind == JsonValueKind.Number
            && duration.TryGetInt32(out var seconds) && seconds < 1)
        {
            context.Error($"{item.Path}.duration", "seconds to keep the value: at least 1");
        }
    }
}
