using System.Text.Json.Nodes;

namespace EdgeGateway.EndToEnd.Tests.Infra;

/// <summary>Reading a Microsoft.App/containerApps resource of the template: its containers, their environment, its secrets.</summary>
public static class ContainerAppJson
{
    public sealed record EnvVar(string Name, string? Value, string? SecretRef);

    public static IEnumerable<JsonObject> Containers(JsonObject app) =>
        app["properties"]!["template"]!["containers"]!.AsArray().Select(c => c!.AsObject());

    public static IReadOnlyList<EnvVar> Env(JsonObject container) =>
        (container["env"]?.AsArray() ?? []).Select(e => new EnvVar((string)e!["name"]!, (string?)e["value"], (string?)e["secretRef"])).ToList();

    /// <summary>Every environment variable of every container of APP.</summary>
    public static IReadOnlyList<EnvVar> AllEnv(JsonObject app) => Containers(app).SelectMany(Env).ToList();

    public static string EnvValue(JsonObject app, string name) =>
        AllEnv(app).SingleOrDefault(e => e.Name == name)?.Value
        ?? throw new Xunit.Sdk.XunitException($"{app["name"]}: no environment variable {name} with a value");

    /// <summary>configuration.secrets: name → value (an expression, e.g. <c>[parameters('planeAdminKey')]</c>).</summary>
    public static IReadOnlyDictionary<string, string?> Secrets(JsonObject app) =>
        (app["properties"]!["configuration"]!["secrets"]?.AsArray() ?? [])
        .ToDictionary(s => (string)s!["name"]!, s => (string?)s!["value"] ?? (string?)s["keyVaultUrl"]);

    public static JsonObject Scale(JsonObject app) => app["properties"]!["template"]!["scale"]!.AsObject();

    /// <summary>The identities the app runs as (resource ids), the registry pull identity included.</summary>
    public static IEnumerable<string> Identities(JsonObject app) =>
        app["identity"]?["userAssignedIdentities"]?.AsObject().Select(i => i.Key) ?? [];
}
