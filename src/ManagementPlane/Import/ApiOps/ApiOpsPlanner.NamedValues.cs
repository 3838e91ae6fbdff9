using EdgeGateway.Contracts.Snapshot;

namespace ManagementPlane.Import.ApiOps;

/// <summary>Named values: <c>namedValues/&lt;name&gt;/namedValueInformation.json</c>, Key Vault ones with the operator's values.</summary>
internal sealed partial class ApiOpsPlanner
{
    private void PlanNamedValues()
    {
        foreach (var name in folder.Folders("namedValues"))
        {
            var source = $"namedValues/{name}/namedValueInformation.json";
            var notes = new ArtifactNotes("namedValue", name, source);
            if (Properties(source, notes) is { } properties)
            {
                // Policies name a named value by its display name ({{displayName}}), so that is its id here.
                var displayName = ApiOpsJson.String(properties, "displayName") ?? name;
                var id = Id(displayName, "named value", notes) ?? "";
                var secret = ApiOpsJson.Bool(properties, "secret") ?? false;
                var value = ApiOpsJson.String(properties, "value");
                var keyVault = ApiOpsJson.Object(properties, "keyVault") is { } kv ? ApiOpsJson.String(kv, "secretIdentifier") : null;
                var given = supplied.GetValueOrDefault(name) ?? supplied.GetValueOrDefault(displayName);
                if (keyVault is not null)
                {
                    if (given is null)
                    {
                        notes.Refuse($"its value is in Key Vault ({keyVault}); EdgeGateway does not read Key Vault: supply the value (import-apiops --named-value {displayName}=VALUE)");
                    }
                    else
                    {
                        (value, secret) = (given, true);
                        notes.Change($"the Key Vault secret {keyVault} is not referenced: the value supplied at import is stored (encrypted) and is not refreshed when the secret rotates");
                    }
                }
                else if (value is null)
                {
                    if (given is null)
                    {
                        notes.Refuse(secret
                            ? "a secret value: the extractor does not write it; supply it (import-apiops --named-value " + displayName + "=VALUE)"
                            : "has no value");
                    }
                    else
                    {
                        value = given;
                        notes.Change("the value supplied at import is used");
                    }
                }
                else if (given is not null)
                {
                    value = given;
                    notes.Change("the value supplied at import replaces the folder's");
                }

                if (!notes.Refused)
                {
                    plan.NamedValues.Add(new NamedValueDefinition { Id = id, Value = value, Secret = secret });
                }
            }

            plan.Entries.Add(notes.ToEntry());
        }
    }
}
