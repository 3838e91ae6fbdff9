using System.Text.Json;
using EdgeGateway.Contracts.Snapshot;

namespace ManagementPlane.Import.ApiOps;

/// <summary>APIs: <c>apis/&lt;name&gt;/</c> with apiInformation.json, the specification, policy.xml and operation policies.</summary>
internal sealed partial class ApiOpsPlanner
{
    private static readonly string[] Specifications = ["specification.yaml", "specification.yml", "specification.json"];

    private void PlanApis()
    {
        foreach (var name in folder.Folders("apis"))
        {
            var source = $"apis/{name}/apiInformation.json";
            var notes = new ArtifactNotes("api", name, source);
            if (Properties(source, notes) is { } properties)
            {
                if (PlanApi(name, properties, notes) is { } api && !notes.Refused)
                {
                    plan.Apis.Add(api);
                    apiIds[name] = api.Id!;
                }
            }

            plan.Entries.Add(notes.ToEntry());
        }
    }

    private ApiDefinition? PlanApi(string name, JsonElement properties, ArtifactNotes notes)
    {
        // The extractor writes each revision as 'name;rev=N'; the gateway serves the current one.
        if (ApiOpsJson.Bool(properties, "isCurrent") == false || name.Contains(";rev=", StringComparison.OrdinalIgnoreCase))
        {
            notes.Refuse("not the current revision: EdgeGateway serves one revision per API; leave non-current revisions out of the extract (or delete their folders)");
            return null;
        }

        var type = ApiOpsJson.String(properties, "type") ?? ApiOpsJson.String(properties, "apiType") ?? "http";
        if (!type.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            notes.Refuse($"an API of type '{type}': EdgeGateway imports HTTP (REST) APIs only");
        }

        if (ApiOpsJson.Has(properties, "apiVersionSetId"))
        {
            notes.Refuse("a versioned API (apiVersionSetId): version sets do not translate; give each version its own API and path (e.g. path 'orders/v2') and import again");
        }

        var id = Id(name, "API", notes);
        var path = "/" + (ApiOpsJson.String(properties, "path") ?? "").Trim('/');
        if (!ApiPath.TryValidate(ApiPath.Normalize(path), out var pathError))
        {
            notes.Refuse($"path '{path}': {pathError}");
        }

        var operations = Operations(name, notes);
        var policies = Policies($"apis/{name}/policy.xml", notes);
        var backend = Backend(name, properties, notes);
        SubscriptionKeyParameterNames? keyNames = null;
        if (ApiOpsJson.Object(properties, "subscriptionKeyParameterNames") is { } names)
        {
            keyNames = new SubscriptionKeyParameterNames { Header = ApiOpsJson.String(names, "header"), Query = ApiOpsJson.String(names, "query") };
        }

        if (properties.TryGetProperty("protocols", out var protocols) && protocols.ValueKind == JsonValueKind.Array
            && protocols.EnumerateArray().Any(p => p.GetString() is "http") && protocols.EnumerateArray().All(p => p.GetString() is not "https"))
        {
            notes.Change("protocols [http] only: the gateway serves whatever its listeners are (see Gateway settings); APIM's per-API protocol choice is not kept");
        }

        return new ApiDefinition
        {
            Id = id,
            Name = ApiOpsJson.String(properties, "displayName") ?? name,
            Path = path,
            SubscriptionRequired = ApiOpsJson.Bool(properties, "subscriptionRequired") ?? true,
            SubscriptionKeyParameterNames = keyNames,
            Backend = backend,
            Operations = operations,
            Policies = policies,
        };
    }

    /// <summary>The operations of the specification, each with its <c>operations/&lt;name&gt;/policy.xml</c>.</summary>
    private List<OperationDefinition>? Operations(string api, ArtifactNotes notes)
    {
        var specification = Specifications.Select(s => $"apis/{api}/{s}").FirstOrDefault(folder.Exists);
        List<OperationDefinition> operations = [];
        if (specification is null)
        {
            if (folder.Folders($"apis/{api}").Any(f => f.StartsWith("specification", StringComparison.OrdinalIgnoreCase))
                || folder.Files.Keys.Any(k => k.StartsWith($"apis/{api}/specification.", StringComparison.OrdinalIgnoreCase)))
            {
                notes.Refuse("the specification is not OpenAPI (specification.yaml or .json): WSDL and GraphQL schemas do not translate");
            }
            else
            {
                notes.Change("no specification: the API has no operations, so every method and path under its path is forwarded");
            }
        }
        else
        {
            var parsed = OpenApiImporter.Parse(folder.Read(specification)!);
            if (parsed.Operations is null)
            {
                foreach (var error in parsed.Errors)
                {
                    notes.Refuse($"{specification}: {error.Path} {error.Message}".Trim());
                }
            }
            else
            {
                operations = parsed.Operations;
                foreach (var skipped in parsed.Skipped)
                {
                    notes.Change($"{specification}: operation {skipped.Method} {skipped.Path} left out: {skipped.Reason}");
                }
            }
        }

        foreach (var operation in folder.Folders($"apis/{api}/operations"))
        {
            var path = $"apis/{api}/operations/{operation}/policy.xml";
            if (!folder.Exists(path))
            {
                continue;
            }

            var id = OpenApiImporter.MakeId(operation);
            var index = operations.FindIndex(o => string.Equals(o.Id, id, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                notes.Refuse($"{path}: the specification has no operation '{operation}' (APIM's operation name must be the operationId)");
                continue;
            }

            if (Policies(path, notes) is { } policies)
            {
                operations[index] = operations[index] with { Policies = policies };
            }
        }

        return operations.Count > 0 ? operations : null;
    }

    /// <summary><c>serviceUrl</c>, else the backend (<c>backends/&lt;id&gt;/</c>) the API's policy names with set-backend-service backend-id.</summary>
    private BackendDefinition? Backend(string api, JsonElement properties, ArtifactNotes notes)
    {
        if (ApiOpsJson.String(properties, "serviceUrl") is { Length: > 0 } serviceUrl)
        {
            return new BackendDefinition { Urls = [serviceUrl.TrimEnd('/')] };
        }

        if (folder.Read($"apis/{api}/policy.xml") is { } policy && BackendId().Match(System.Text.Encoding.UTF8.GetString(policy)) is { Success: true } match
            && BackendUrl(match.Groups[1].Value) is { } url)
        {
            notes.Change($"no serviceUrl: the API's default backend is backend '{match.Groups[1].Value}' ({url}), the one its policy sets");
            return new BackendDefinition { Urls = [url] };
        }

        notes.Refuse("no serviceUrl: the API has no backend to forward to (set serviceUrl in apiInformation.json)");
        return null;
    }
}
