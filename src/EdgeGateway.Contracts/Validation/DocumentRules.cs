using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>The document's own fields: schema version, revision and the gateway it is for.</summary>
internal static class DocumentRules
{
    public static void Validate(GatewaySnapshot snapshot, ValidationContext context)
    {
        const int supported = SnapshotValidator.SupportedSchemaVersion;
        if (snapshot.SchemaVersion != supported)
        {
            context.Error("schemaVersion", snapshot.SchemaVersion == 0
                ? $"required; this build reads schema version {supported}"
                : $"{snapshot.SchemaVersion} is not supported; this build reads schema version {supported}");
        }

        if (snapshot.Revision < 0)
        {
            context.Error("revision", "must not be negative");
        }

        if (snapshot.GatewayId is not null && !SnapshotValidator.IsValidId(snapshot.GatewayId))
        {
            context.Error("gatewayId", $"not a valid id ({ValidationContext.IdForm})");
        }

        if (context.Options.ExpectedGatewayId is { } expected)
        {
            if (snapshot.GatewayId is null && context.Options.RequireGatewayId)
            {
                context.Error("gatewayId", $"required: this gateway is '{expected}'");
            }
            else if (snapshot.GatewayId is not null && !string.Equals(snapshot.GatewayId, expected, StringComparison.Ordinal))
            {
                context.Error("gatewayId", $"this snapshot is for gateway '{snapshot.GatewayId}', not '{expected}'");
            }
        }
    }
}
