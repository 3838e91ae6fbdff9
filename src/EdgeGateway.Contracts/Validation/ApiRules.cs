using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary><c>apis</c>: ids, path prefixes that do not collide, key parameter names; then each API's backend, operations and policies.</summary>
internal static partial class ApiRules
{
    public static void Validate(IReadOnlyList<ApiDefinition> apis, ValidationContext context)
    {
        var ids = ValidationContext.NewIdSet();
        var prefixes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < apis.Count; i++)
        {
            var path = $"apis[{i}]";
            var api = apis[i];
            if (api is null)
            {
                context.Error(path, "must be an object");
                continue;
            }

            context.Id(path, api.Id, ids, "API");
            Path(path, api.Path, i, prefixes, context);
            KeyParameterNames(path, api.SubscriptionKeyParameterNames, context);
            BackendRules.Validate($"{path}.backend", api.Backend, context);
            OperationRules.Validate(path, api.Operations ?? [], context);
            context.Policies.Validate($"{path}.policies", api.Policies, PolicyScope.Api, context);
        }
    }

    private static void Path(string path, string? apiPath, int index, Dictionary<string, int> prefixes, ValidationContext context)
    {
        if (apiPath is null)
        {
            context.Error($"{path}.path", "required (use \"/\" to serve the API at the root)");
        }
        else if (!ApiPath.TryValidate(apiPath, out var pathError))
        {
            context.Error($"{path}.path", pathError!);
        }
        else if (ApiPath.Normalize(apiPath) is var prefix && !prefixes.TryAdd(prefix, index))
        {
            context.Error($"{path}.path", $"'{apiPath}' conflicts with apis[{prefixes[prefix]}] (same path prefix)");
        }
    }

    private static void KeyParameterNames(string path, SubscriptionKeyParameterNames? names, ValidationContext context)
    {
        if (names is null)
        {
            return;
        }

        if (names.Header is not null && !HeaderToken().IsMatch(names.Header))
        {
            context.Error($"{path}.subscriptionKeyParameterNames.header", "not a valid header name");
        }

        if (names.Query is not null && (names.Query.Length == 0 || names.Query.Any(c => c is '&' or '=' or '#' or '?' || char.IsWhiteSpace(c))))
        {
            context.Error($"{path}.subscriptionKeyParameterNames.query", "not a valid query parameter name");
        }
    }

    [GeneratedRegex(@"^[!#$%&'*+.^_`|~0-9A-Za-z-]+\z")]
    private static partial Regex HeaderToken();
}
