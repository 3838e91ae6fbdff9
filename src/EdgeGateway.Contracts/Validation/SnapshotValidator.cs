using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>
/// Checks a parsed snapshot beyond what its JSON shape says: ids, references, URLs, routing conflicts and
/// policy shapes. Shared by the gateway and the management plane, so both refuse the same documents.
/// </summary>
public static partial class SnapshotValidator
{
    public const int SupportedSchemaVersion = 1;

    private static readonly string[] LoadBalancingPolicies = ["roundRobin", "random", "leastRequests", "powerOfTwoChoices", "first"];
    private static readonly string[] Protocols = ["auto", "http1", "http2"];
    private static readonly string[] SubscriptionStates = ["active", "suspended", "cancelled", "expired", "submitted", "rejected"];
    private static readonly string[] ProductStates = ["published", "notPublished"];
    private static readonly string[] HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "*"];

    public static ValidationReport Validate(GatewaySnapshot snapshot, ValidationOptions? options = null)
    {
        options ??= new ValidationOptions();
        var v = new Walker(options);
        v.Document(snapshot);
        return new ValidationReport(v.Errors, v.Unenforced);
    }

    /// <summary>Ids as APIM allows them: letters, digits, '-', '_', '.', at most 80 characters.</summary>
    /// <remarks>The patterns end in <c>\z</c>, not <c>$</c>: <c>$</c> also matches before a final newline, so "gw1\n" would pass.</remarks>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"\{\{([^{}]*)\}\}")]
    private static partial Regex NamedValueReference();

    [GeneratedRegex(@"^[!#$%&'*+.^_`|~0-9A-Za-z-]+\z")]
    private static partial Regex HeaderToken();

    private sealed class Walker(ValidationOptions options)
    {
        private HashSet<string> namedValues = new(StringComparer.OrdinalIgnoreCase);

        public List<ConfigError> Errors { get; } = [];

        public List<UnenforcedPolicy> Unenforced { get; } = [];

        private void Error(string path, string message) => Errors.Add(new ConfigError(path, message));

        public void Document(GatewaySnapshot s)
        {
            if (s.SchemaVersion != SupportedSchemaVersion)
            {
                Error("schemaVersion", s.SchemaVersion == 0
                    ? $"required; this build reads schema version {SupportedSchemaVersion}"
                    : $"{s.SchemaVersion} is not supported; this build reads schema version {SupportedSchemaVersion}");
            }

            if (s.Revision < 0)
            {
                Error("revision", "must not be negative");
            }

            if (s.GatewayId is not null && !IsValidId(s.GatewayId))
            {
                Error("gatewayId", "not a valid id (letters, digits, '-', '_', '.', up to 80 characters)");
            }

            if (options.ExpectedGatewayId is { } expected)
            {
                if (s.GatewayId is null && options.RequireGatewayId)
                {
                    Error("gatewayId", $"required: this gateway is '{expected}'");
                }
                else if (s.GatewayId is not null && !string.Equals(s.GatewayId, expected, StringComparison.Ordinal))
                {
                    Error("gatewayId", $"this snapshot is for gateway '{s.GatewayId}', not '{expected}'");
                }
            }

            namedValues = NamedValues(s.NamedValues ?? []);
            var apiIds = Apis(s.Apis ?? []);
            var productIds = Products(s.Products ?? [], apiIds);
            Subscriptions(s.Subscriptions ?? [], apiIds, productIds);
            Policies("policies", s.Policies, allowBase: false);
        }

        private HashSet<string> NamedValues(IReadOnlyList<NamedValueDefinition> values)
        {
            var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < values.Count; i++)
            {
                var path = $"namedValues[{i}]";
                var nv = values[i];
                if (nv is null)
                {
                    Error(path, "must be an object");
                    continue;
                }

                Id(path, nv.Id, ids, "named value");
                if (nv.Value is null && !(nv.Secret && options.AllowWithheldSecrets))
                {
                    Error($"{path}.value", "required");
                }
                else if (nv.Value is not null && nv.Value.Contains("{{", StringComparison.Ordinal))
                {
                    Error($"{path}.value", "a named value must not reference another named value");
                }
            }

            return ids;
        }

        private HashSet<string> Apis(IReadOnlyList<ApiDefinition> apis)
        {
            var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var prefixes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < apis.Count; i++)
            {
                var path = $"apis[{i}]";
                var api = apis[i];
                if (api is null)
                {
                    Error(path, "must be an object");
                    continue;
                }

                Id(path, api.Id, ids, "API");
                if (api.Path is null)
                {
                    Error($"{path}.path", "required (use \"/\" to serve the API at the root)");
                }
                else if (!ApiPath.TryValidate(api.Path, out var pathError))
                {
                    Error($"{path}.path", pathError!);
                }
                else
                {
                    var normalized = ApiPath.Normalize(api.Path);
                    if (prefixes.TryGetValue(normalized, out var other))
                    {
                        Error($"{path}.path", $"'{api.Path}' conflicts with apis[{other}] (same path prefix)");
                    }
                    else
                    {
                        prefixes[normalized] = i;
                    }
                }

                if (api.SubscriptionKeyParameterNames is { } names)
                {
                    if (names.Header is not null && !HeaderToken().IsMatch(names.Header))
                    {
                        Error($"{path}.subscriptionKeyParameterNames.header", "not a valid header name");
                    }

                    if (names.Query is not null && (names.Query.Length == 0 || names.Query.Any(c => c is '&' or '=' or '#' or '?' || char.IsWhiteSpace(c))))
                    {
                        Error($"{path}.subscriptionKeyParameterNames.query", "not a valid query parameter name");
                    }
                }

                Backend($"{path}.backend", api.Backend);
                Operations(path, api.Operations ?? []);
                Policies($"{path}.policies", api.Policies, allowBase: true);
            }

            return ids;
        }

        private void Backend(string path, BackendDefinition? backend)
        {
            if (backend is null)
            {
                Error(path, "required");
                return;
            }

            if (backend.Urls is null || backend.Urls.Count == 0)
            {
                Error($"{path}.urls", "at least one backend URL is required");
            }
            else
            {
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (var j = 0; j < backend.Urls.Count; j++)
                {
                    var url = backend.Urls[j];
                    if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                        || string.IsNullOrEmpty(uri.Host))
                    {
                        Error($"{path}.urls[{j}]", "not an absolute http(s) URL");
                    }
                    else if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
                    {
                        Error($"{path}.urls[{j}]", "must not carry a query, fragment or credentials");
                    }
                    else if (!seen.Add(uri.GetLeftPart(UriPartial.Path).TrimEnd('/')))
                    {
                        Error($"{path}.urls[{j}]", "duplicate backend URL");
                    }
                }
            }

            OneOf($"{path}.loadBalancing", backend.LoadBalancing, LoadBalancingPolicies);
            OneOf($"{path}.protocol", backend.Protocol, Protocols);
            if (backend.Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromHours(1)))
            {
                Error($"{path}.timeout", "must be more than zero and at most 01:00:00");
            }

            if (backend.HealthCheck is { } hc)
            {
                var hcPath = $"{path}.healthCheck";
                if (string.IsNullOrEmpty(hc.Path) || hc.Path[0] != '/')
                {
                    Error($"{hcPath}.path", "required, and must start with '/'");
                }

                var interval = hc.Interval ?? TimeSpan.FromSeconds(10);
                if (interval < TimeSpan.FromMilliseconds(100))
                {
                    Error($"{hcPath}.interval", "must be at least 00:00:00.1");
                }

                if (hc.Timeout is { } t && (t <= TimeSpan.Zero || t > interval))
                {
                    Error($"{hcPath}.timeout", "must be more than zero and not longer than the interval");
                }

                if (hc.UnhealthyThreshold is < 1)
                {
                    Error($"{hcPath}.unhealthyThreshold", "must be at least 1");
                }

                if (hc.HealthyThreshold is < 1)
                {
                    Error($"{hcPath}.healthyThreshold", "must be at least 1");
                }
            }
        }

        private void Operations(string apiPath, IReadOnlyList<OperationDefinition> operations)
        {
            var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var shapes = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var k = 0; k < operations.Count; k++)
            {
                var path = $"{apiPath}.operations[{k}]";
                var op = operations[k];
                if (op is null)
                {
                    Error(path, "must be an object");
                    continue;
                }

                Id(path, op.Id, ids, "operation");
                var method = op.Method;
                if (method is null)
                {
                    Error($"{path}.method", "required");
                }
                else if (!HttpMethods.Contains(method, StringComparer.Ordinal))
                {
                    Error($"{path}.method", $"'{method}' is not one of {string.Join(", ", HttpMethods)} (upper case)");
                }

                if (op.UrlTemplate is null)
                {
                    Error($"{path}.urlTemplate", "required");
                }
                else if (!UrlTemplate.TryParse(op.UrlTemplate, out var template, out var templateError))
                {
                    Error($"{path}.urlTemplate", templateError!);
                }
                else if (method is not null)
                {
                    var key = method + " " + template!.ShapeKey;
                    if (shapes.TryGetValue(key, out var other))
                    {
                        Error($"{path}.urlTemplate", $"matches the same requests as {apiPath}.operations[{other}]");
                    }
                    else
                    {
                        shapes[key] = k;
                    }
                }

                Policies($"{path}.policies", op.Policies, allowBase: true);
            }
        }

        private HashSet<string> Products(IReadOnlyList<ProductDefinition> products, HashSet<string> apiIds)
        {
            var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < products.Count; i++)
            {
                var path = $"products[{i}]";
                var product = products[i];
                if (product is null)
                {
                    Error(path, "must be an object");
                    continue;
                }

                Id(path, product.Id, ids, "product");
                OneOf($"{path}.state", product.State, ProductStates);
                var apis = product.Apis ?? [];
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (var j = 0; j < apis.Count; j++)
                {
                    if (apis[j] is null || !apiIds.Contains(apis[j]))
                    {
                        Error($"{path}.apis[{j}]", $"no API with id '{apis[j]}'");
                    }
                    else if (!seen.Add(apis[j]))
                    {
                        Error($"{path}.apis[{j}]", $"API '{apis[j]}' is listed twice");
                    }
                }

                Policies($"{path}.policies", product.Policies, allowBase: true);
            }

            return ids;
        }

        private void Subscriptions(IReadOnlyList<SubscriptionDefinition> subscriptions, HashSet<string> apiIds, HashSet<string> productIds)
        {
            var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < subscriptions.Count; i++)
            {
                var path = $"subscriptions[{i}]";
                var sub = subscriptions[i];
                if (sub is null)
                {
                    Error(path, "must be an object");
                    continue;
                }

                Id(path, sub.Id, ids, "subscription");
                OneOf($"{path}.state", sub.State, SubscriptionStates);
                Scope($"{path}.scope", sub.Scope, apiIds, productIds);
                var primary = Key(path, "primaryKey", sub.PrimaryKey, sub.PrimaryKeyHash, keys);
                var secondary = Key(path, "secondaryKey", sub.SecondaryKey, sub.SecondaryKeyHash, keys);
                if (!primary && !secondary)
                {
                    Error(path, options.AllowPlainKeys ? "needs primaryKey (or primaryKeyHash)" : "needs primaryKeyHash");
                }
            }
        }

        private bool Key(string path, string name, string? plain, string? hash, Dictionary<string, string> seen)
        {
            if (plain is null && hash is null)
            {
                return false;
            }

            string hashed;
            if (plain is not null && hash is not null)
            {
                Error($"{path}.{name}", $"give either {name} or {name}Hash, not both");
                return true;
            }

            if (plain is not null)
            {
                if (!options.AllowPlainKeys)
                {
                    Error($"{path}.{name}", "plain keys are not accepted here; ship only the hash");
                    return true;
                }

                if (plain.Length == 0 || plain.Any(char.IsControl) || plain.Trim().Length != plain.Length)
                {
                    Error($"{path}.{name}", "must be non-empty, without control characters or surrounding spaces");
                    return true;
                }

                hashed = SubscriptionKeyHash.Compute(plain);
            }
            else
            {
                if (!SubscriptionKeyHash.TryDecode(hash, out _))
                {
                    Error($"{path}.{name}Hash", "must be the base64 SHA-256 of the key (32 bytes)");
                    return true;
                }

                hashed = hash!;
            }

            // Never echo the key itself: report where the other copy is.
            if (seen.TryGetValue(hashed, out var other))
            {
                Error($"{path}.{name}", $"the same key is already used by {other}");
            }
            else
            {
                seen[hashed] = $"{path}.{name}";
            }

            return true;
        }

        private void Scope(string path, string? scope, HashSet<string> apiIds, HashSet<string> productIds)
        {
            if (scope is null)
            {
                Error(path, "required: \"products/{id}\", \"apis/{id}\" or \"apis\" for all APIs");
                return;
            }

            var parts = scope.Trim('/').Split('/');
            switch (parts)
            {
                case ["apis"]:
                    return;
                case ["apis", var api] when apiIds.Contains(api):
                    return;
                case ["apis", var api]:
                    Error(path, $"no API with id '{api}'");
                    return;
                case ["products", var product] when productIds.Contains(product):
                    return;
                case ["products", var product]:
                    Error(path, $"no product with id '{product}'");
                    return;
                default:
                    Error(path, $"'{scope}' is not \"products/{{id}}\", \"apis/{{id}}\" or \"apis\"");
                    return;
            }
        }

        private void Policies(string path, PolicySet? set, bool allowBase)
        {
            if (set is null)
            {
                return;
            }

            Section($"{path}.inbound", set.Inbound, Sections.Inbound, allowBase);
            Section($"{path}.backend", set.Backend, Sections.Backend, allowBase);
            Section($"{path}.outbound", set.Outbound, Sections.Outbound, allowBase);
            Section($"{path}.onError", set.OnError, Sections.OnError, allowBase);
        }

        private void Section(string path, IReadOnlyList<PolicyDefinition>? policies, Sections section, bool allowBase)
        {
            if (policies is null)
            {
                return;
            }

            var baseSeen = false;
            for (var i = 0; i < policies.Count; i++)
            {
                var itemPath = $"{path}[{i}]";
                var policy = policies[i];
                if (policy is null)
                {
                    Error(itemPath, "must be an object");
                    continue;
                }

                if (string.IsNullOrEmpty(policy.Type))
                {
                    Error($"{itemPath}.type", "required (the APIM policy name, like \"rate-limit-by-key\")");
                    continue;
                }

                if (!PolicyCatalog.TryGet(policy.Type, out var shape))
                {
                    Error($"{itemPath}.type", $"unknown policy type '{policy.Type}'");
                    continue;
                }

                if ((shape.AllowedIn & section) == 0)
                {
                    Error($"{itemPath}.type", $"'{policy.Type}' is not allowed in this section");
                    continue;
                }

                if (policy.Type == "base")
                {
                    if (!allowBase)
                    {
                        Error(itemPath, "'base' has no outer scope to run at global scope");
                    }
                    else if (baseSeen)
                    {
                        Error(itemPath, "'base' may appear only once per section");
                    }

                    baseSeen = true;
                }

                Attributes(itemPath, policy, shape);
                if (!PolicyCatalog.IsEnforced(policy.Type))
                {
                    Unenforced.Add(new UnenforcedPolicy(itemPath, policy.Type));
                }
            }
        }

        private void Attributes(string path, PolicyDefinition policy, PolicyShape shape)
        {
            var attributes = policy.Attributes ?? [];
            foreach (var (name, value) in attributes)
            {
                var attr = shape.Attributes.FirstOrDefault(a => a.Name == name);
                if (attr is null)
                {
                    Error($"{path}.{name}", $"unknown attribute for '{shape.Type}'");
                    continue;
                }

                var message = CheckValue(attr, value);
                if (message is not null)
                {
                    Error($"{path}.{name}", message);
                }

                References($"{path}.{name}", value);
            }

            foreach (var attr in shape.Attributes.Where(a => a.Required && !attributes.ContainsKey(a.Name)))
            {
                Error($"{path}.{attr.Name}", $"required by '{shape.Type}'");
            }
        }

        private static string? CheckValue(Attr attr, JsonElement value) => attr.Kind switch
        {
            AttrKind.String when value.ValueKind != JsonValueKind.String => "expected a string",
            AttrKind.String when attr.AllowedValues is { } allowed && !allowed.Contains(value.GetString()) =>
                $"expected one of {string.Join(", ", allowed)}",
            AttrKind.Integer when value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n) || n < 0 =>
                "expected a whole number, zero or more",
            AttrKind.Boolean when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False) => "expected true or false",
            AttrKind.StringList when value.ValueKind != JsonValueKind.Array
                || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String) => "expected an array of strings",
            AttrKind.Object when value.ValueKind != JsonValueKind.Object => "expected an object",
            AttrKind.ObjectList when value.ValueKind != JsonValueKind.Array
                || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object) => "expected an array of objects",
            _ => null,
        };

        private void References(string path, JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    foreach (Match m in NamedValueReference().Matches(value.GetString()!))
                    {
                        if (!namedValues.Contains(m.Groups[1].Value))
                        {
                            Error(path, $"references named value '{m.Groups[1].Value}', which is not defined");
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        References($"{path}[{i++}]", item);
                    }

                    break;
                case JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                    {
                        References($"{path}.{property.Name}", property.Value);
                    }

                    break;
                default:
                    break;
            }
        }

        private void Id(string path, string? id, HashSet<string> seen, string what)
        {
            if (id is null)
            {
                Error($"{path}.id", "required");
            }
            else if (!IsValidId(id))
            {
                Error($"{path}.id", $"'{id}' is not a valid {what} id (letters, digits, '-', '_', '.', up to 80 characters)");
            }
            else if (!seen.Add(id))
            {
                Error($"{path}.id", $"duplicate {what} id '{id}'");
            }
        }

        private void OneOf(string path, string? value, string[] allowed)
        {
            if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
            {
                Error(path, $"'{value}' is not one of {string.Join(", ", allowed)}");
            }
        }
    }
}
