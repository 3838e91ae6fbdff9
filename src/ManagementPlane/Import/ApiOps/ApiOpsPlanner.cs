using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.Contracts.Snapshot;
using ManagementPlane.PolicyXml;
using ManagementPlane.State;

namespace ManagementPlane.Import.ApiOps;

/// <summary>
/// Turns an APIOps extractor folder into EdgeGateway artifacts and a report: every API, product, named value, policy
/// fragment, gateway, the global policy and the backends a policy names. Policy XML goes through
/// <see cref="PolicyXmlReader"/> as APIM's raw XML (the extractor's format); OpenAPI specifications through
/// <see cref="OpenApiImporter"/>. Nothing is dropped silently: each difference is a change or a refusal in the report.
/// </summary>
internal sealed partial class ApiOpsPlanner
{
    private static readonly string[] KnownFolders = ["apis", "products", "namedValues", "policyFragments", "gateways", "backends", ".edgegateway"];

    private readonly ApiOpsFolder folder;
    private readonly IReadOnlyDictionary<string, string> supplied;
    private readonly long maxPolicyCharacters;
    private readonly ApiOpsPlan plan = new();

    // APIM names → EdgeGateway ids (the same unless the name is not a valid id).
    private readonly Dictionary<string, string> apiIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> usedBackends = new(StringComparer.OrdinalIgnoreCase);

    private ApiOpsPlanner(ApiOpsFolder folder, IReadOnlyDictionary<string, string> supplied, long maxPolicyCharacters) =>
        (this.folder, this.supplied, this.maxPolicyCharacters) = (folder, supplied, maxPolicyCharacters);

    /// <summary>
    /// Plans the import of <paramref name="folder"/>. <paramref name="supplied"/>: values for named values the folder
    /// cannot carry (Key Vault references, secrets the extractor leaves out), by name or display name.
    /// </summary>
    public static ApiOpsPlan Plan(ApiOpsFolder folder, IReadOnlyDictionary<string, string> supplied, long maxPolicyCharacters)
    {
        var planner = new ApiOpsPlanner(folder, supplied, maxPolicyCharacters);
        planner.PlanNamedValues();
        planner.PlanFragments();
        planner.PlanApis();
        planner.PlanProducts();
        planner.PlanGateways();
        planner.PlanGlobalPolicy();
        planner.PlanIgnored();
        return planner.plan;
    }

    private void PlanFragments()
    {
        foreach (var name in folder.Folders("policyFragments"))
        {
            var source = $"policyFragments/{name}/policy.xml";
            var notes = new ArtifactNotes("policyFragment", name, source);
            var id = Id(name, "policy fragment", notes);
            var description = folder.Read($"policyFragments/{name}/policyFragmentInformation.json") is { } info && ApiOpsJson.Properties(info).Properties is { } p
                ? ApiOpsJson.String(p, "description")
                : null;
            if (Text(source, notes) is { } xml)
            {
                var read = PolicyXmlReader.ReadFragment(WithBackendUrls(xml, source, notes), raw: true, maxPolicyCharacters);
                Refusals(source, read.Errors, notes);
                if (!notes.Refused)
                {
                    plan.Fragments.Add(new PolicyFragment { Id = id, Description = description, Policies = read.Value });
                }
            }

            plan.Entries.Add(notes.ToEntry());
        }
    }

    private void PlanGlobalPolicy()
    {
        if (!folder.Exists("policy.xml"))
        {
            return;
        }

        var notes = new ArtifactNotes("globalPolicy", "global", "policy.xml");
        plan.GlobalPolicies = Policies("policy.xml", notes);
        plan.Entries.Add(notes.ToEntry());
    }

    private void PlanIgnored()
    {
        foreach (var name in folder.Folders(""))
        {
            if (!KnownFolders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                var count = folder.Files.Keys.Count(k => k.StartsWith(name + "/", StringComparison.OrdinalIgnoreCase));
                plan.Entries.Add(new MigrationEntry(name, "*", name + "/", MigrationOutcomes.Ignored,
                    [$"{count} file(s) not imported: EdgeGateway has no equivalent of APIM's {name} (see docs/migrating-from-apim.md)"]));
            }
        }

        foreach (var name in folder.Folders("backends"))
        {
            if (!usedBackends.Contains(name))
            {
                plan.Entries.Add(new MigrationEntry("backend", name, $"backends/{name}/", MigrationOutcomes.Ignored,
                    ["no imported API forwards to it (only backends an API's set-backend-service names are read)"]));
            }
        }
    }

    // ---- shared pieces ----

    private JsonElement? Properties(string path, ArtifactNotes notes)
    {
        if (folder.Read(path) is not { } bytes)
        {
            notes.Refuse($"{path} is missing");
            return null;
        }

        var (properties, error) = ApiOpsJson.Properties(bytes);
        if (error is not null)
        {
            notes.Refuse($"{path}: {error}");
        }

        return properties;
    }

    private string? Text(string path, ArtifactNotes notes)
    {
        if (folder.Read(path) is not { } bytes)
        {
            notes.Refuse($"{path} is missing");
            return null;
        }

        return Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
    }

    /// <summary>A scope's <c>policy.xml</c> when present (null when absent); refusals name the file, line and column.</summary>
    private PolicySet? Policies(string path, ArtifactNotes notes)
    {
        if (!folder.Exists(path))
        {
            return null;
        }

        var read = PolicyXmlReader.ReadPolicies(WithBackendUrls(Text(path, notes)!, path, notes), raw: true, maxPolicyCharacters);
        Refusals(path, read.Errors, notes);
        return read.Value;
    }

    /// <summary>
    /// <c>set-backend-service backend-id="x"</c> names an APIM backend; EdgeGateway has no backend entities, so the
    /// backend's URL (<c>backends/x/backendInformation.json</c>) takes its place as <c>base-url</c>.
    /// </summary>
    private string WithBackendUrls(string xml, string path, ArtifactNotes notes) => BackendId().Replace(xml, match =>
    {
        var backend = match.Groups[1].Value;
        if (BackendUrl(backend) is not { } url)
        {
            return match.Value; // refused by the reader, at its line and column
        }

        usedBackends.Add(backend);
        notes.Change($"{path}: set-backend-service backend-id=\"{backend}\" became base-url=\"{url}\" (backends/{backend}); the backend's credentials, TLS and circuit-breaker settings are not imported");
        return $"base-url=\"{System.Security.SecurityElement.Escape(url)}\"";
    });

    private string? BackendUrl(string backend) =>
        folder.Read($"backends/{backend}/backendInformation.json") is { } bytes && ApiOpsJson.Properties(bytes).Properties is { } info
            && ApiOpsJson.String(info, "url") is { Length: > 0 } url ? url.TrimEnd('/') : null;

    private static void Refusals(string path, IReadOnlyList<XmlRefusal> errors, ArtifactNotes notes)
    {
        foreach (var error in errors)
        {
            notes.Refuse($"{path}:{error.Line}:{error.Column}: {error.Message}");
        }
    }

    /// <summary>An APIM name as an EdgeGateway id; a name that is not a valid id is made one, and the report says so.</summary>
    private static string? Id(string name, string what, ArtifactNotes notes)
    {
        var id = OpenApiImporter.MakeId(name);
        if (id is null)
        {
            notes.Refuse($"'{name}' cannot be made a valid {what} id (letters, digits, '-', '_', '.', up to 80 characters)");
        }
        else if (id != name)
        {
            notes.Change($"the {what} id is '{id}' ('{name}' is not a valid id)");
        }

        return id;
    }

    [GeneratedRegex("""backend-id\s*=\s*["']([^"']+)["']""")]
    private static partial Regex BackendId();
}
