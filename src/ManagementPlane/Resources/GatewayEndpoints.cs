using EdgeGateway.Contracts.Sync;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.State;
using Microsoft.Extensions.Options;

namespace ManagementPlane.Resources;

/// <summary><c>/gateways</c>: registration, API assignment, keys and tokens (APIM's shape).</summary>
internal static class GatewayEndpoints
{
    private const string What = "gateway";

    public static RouteGroupBuilder MapGateways(this RouteGroupBuilder admin)
    {
        admin.MapGet("/gateways", (HttpContext c, StateStore s) => Crud.ListAsync(c, s, st => st.Gateways.Select(Show), ApiJsonContext.Api.ResourceListGatewayResource))
            .Produces<ResourceList<GatewayResource>>();
        admin.MapGet("/gateways/{id}", (HttpContext c, StateStore s, string id) =>
                Crud.GetAsync(c, s, What, id, Crud.Key("gateways", id), st => Find(st, id) is { } g ? Show(g) : null, ApiJsonContext.Api.GatewayResource))
            .Produces<GatewayResource>().ProducesProblem(404);
        admin.MapPut("/gateways/{id}", PutAsync).Accepts<GatewayRequest>("application/json")
            .Produces<GatewayResource>().Produces<GatewayResource>(201).ProducesProblem(400).ProducesProblem(412);
        admin.MapDelete("/gateways/{id}", (HttpContext c, StateStore s, string id) =>
                Crud.DeleteAsync(c, s, What, id, Crud.Key("gateways", id), st => Find(st, id) is not null, (st, m) => st.Gateways.RemoveAll(g => Crud.SameId(g.Id, id))))
            .Produces(204).ProducesProblem(404).ProducesProblem(412);
        admin.MapPut("/gateways/{id}/apis/{apiId}", (HttpContext c, StateStore s, string id, string apiId) => AssignAsync(c, s, id, apiId, assign: true))
            .Produces<GatewayResource>().ProducesProblem(400).ProducesProblem(404);
        admin.MapDelete("/gateways/{id}/apis/{apiId}", (HttpContext c, StateStore s, string id, string apiId) => AssignAsync(c, s, id, apiId, assign: false))
            .Produces<GatewayResource>().ProducesProblem(404);
        admin.MapPost("/gateways/{id}/token", TokenAsync).Accepts<TokenRequest>("application/json")
            .Produces<TokenResponse>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        admin.MapPost("/gateways/{id}/regenerate-key", RegenerateKeyAsync).Accepts<RegenerateKeyRequest>("application/json")
            .Produces(204).ProducesProblem(400).ProducesProblem(404);
        return admin;
    }

    internal static StoredGateway? Find(ManagementState state, string id) => state.Gateways.Find(g => Crud.SameId(g.Id, id));

    private static GatewayResource Show(StoredGateway g) => new(g.Id, g.Name, g.Description, g.Apis, g.SnapshotRevision);

    internal static string Purpose(string id, bool primary) => $"gateways/{id.ToLowerInvariant()}/{(primary ? "primary" : "secondary")}";

    internal static StoredGateway NewGateway(string id, SecretProtector protector) => new()
    {
        Id = id,
        PrimaryKeyProtected = protector.Protect(SecretProtector.NewKey(), Purpose(id, true)),
        SecondaryKeyProtected = protector.Protect(SecretProtector.NewKey(), Purpose(id, false)),
    };

    private static async Task<IResult> PutAsync(HttpContext context, StateStore store, SecretProtector protector, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Api.GatewayRequest, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        var request = body.Value!;
        return await Crud.PutAsync(context, store, What, id, Crud.Key("gateways", id), s => Find(s, id) is not null,
            (state, mutation, exists) =>
            {
                var gateway = Find(state, id);
                if (gateway is null)
                {
                    gateway = NewGateway(id, protector);
                    state.Gateways.Add(gateway);
                }

                gateway.Name = request.Name ?? gateway.Name;
                gateway.Description = request.Description ?? gateway.Description;
                if (request.Apis is not null)
                {
                    gateway.Apis = request.Apis.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                }

                return null;
            },
            s => Show(Find(s, id)!), ApiJsonContext.Api.GatewayResource);
    }

    private static async Task<IResult> AssignAsync(HttpContext context, StateStore store, string id, string apiId, bool assign)
    {
        if (!SnapshotValidator.IsValidId(id) || !SnapshotValidator.IsValidId(apiId))
        {
            return SnapshotValidator.IsValidId(id) ? Problems.InvalidId("API", apiId) : Problems.InvalidId(What, id);
        }

        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            if (Find(state, id) is not { } gateway)
            {
                return StateError.NotFound($"no gateway with id '{id}'");
            }

            var api = state.Apis.Find(a => Crud.SameId(a.Id, apiId));
            if (api is null)
            {
                return StateError.NotFound($"no API with id '{apiId}'");
            }

            var present = gateway.Apis.Any(a => Crud.SameId(a, apiId));
            if (assign && !present)
            {
                gateway.Apis.Add(api.Id!);
            }
            else if (!assign)
            {
                if (!present)
                {
                    return StateError.NotFound($"API '{apiId}' is not assigned to gateway '{id}'");
                }

                gateway.Apis.RemoveAll(a => Crud.SameId(a, apiId));
            }

            mutation.Touch(Crud.Key("gateways", id));
            return null;
        }, context.RequestAborted);

        if (outcome.Error is not null)
        {
            return Problems.For(outcome.Error);
        }

        context.Response.Headers.ETag = Mutation.ETag(outcome.State, Crud.Key("gateways", id));
        return Results.Json(Show(Find(outcome.State, id)!), ApiJsonContext.Api.GatewayResource);
    }

    private static async Task<IResult> TokenAsync(HttpContext context, StateStore store, SecretProtector protector, IOptions<ManagementOptions> options, TimeProvider time, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Api.TokenRequest, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        var request = body.Value!;
        if (!TryKeyType(request.KeyType, out var primary))
        {
            return Problems.BadRequest("'keyType' must be \"primary\" or \"secondary\"", [new ProblemError("keyType", "must be \"primary\" or \"secondary\"")]);
        }

        var now = time.GetUtcNow();
        var max = options.Value.MaxTokenLifetime;
        if (request.Expiry is not { } expiry || expiry <= now.AddMinutes(1) || expiry > now + max)
        {
            return Problems.BadRequest($"'expiry' must be a UTC time more than a minute and at most {max} ahead (Management:MaxTokenLifetime)",
                [new ProblemError("expiry", "required, in the future, within Management:MaxTokenLifetime")]);
        }

        var state = (await store.ReadAsync(context.RequestAborted)).State;
        if (Find(state, id) is not { } gateway)
        {
            return Problems.NotFound($"no gateway with id '{id}'");
        }

        var key = protector.Unprotect(primary ? gateway.PrimaryKeyProtected : gateway.SecondaryKeyProtected, Purpose(gateway.Id, primary));
        if (key is null)
        {
            return Problems.Conflict($"the {(primary ? "primary" : "secondary")} key of gateway '{gateway.Id}' cannot be decrypted (damaged in the store, or written under another Management:EncryptionKey): " +
                $"regenerate it (POST /gateways/{gateway.Id}/regenerate-key) or use the other key");
        }

        var token = GatewayToken.Create(gateway.Id, expiry, key);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new TokenResponse(token.Value, token.Expiry), ApiJsonContext.Api.TokenResponse);
    }

    private static async Task<IResult> RegenerateKeyAsync(HttpContext context, StateStore store, SecretProtector protector, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Api.RegenerateKeyRequest, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        if (!TryKeyType(body.Value!.KeyType, out var primary))
        {
            return Problems.BadRequest("'keyType' must be \"primary\" or \"secondary\"", [new ProblemError("keyType", "must be \"primary\" or \"secondary\"")]);
        }

        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            if (Find(state, id) is not { } gateway)
            {
                return StateError.NotFound($"no gateway with id '{id}'");
            }

            var fresh = protector.Protect(SecretProtector.NewKey(), Purpose(gateway.Id, primary));
            if (primary)
            {
                gateway.PrimaryKeyProtected = fresh;
            }
            else
            {
                gateway.SecondaryKeyProtected = fresh;
            }

            mutation.Touch(Crud.Key("gateways", id));
            return null;
        }, context.RequestAborted);
        return outcome.Error is null ? Results.NoContent() : Problems.For(outcome.Error);
    }

    private static bool TryKeyType(string? keyType, out bool primary)
    {
        primary = string.Equals(keyType, "primary", StringComparison.OrdinalIgnoreCase);
        return primary || string.Equals(keyType, "secondary", StringComparison.OrdinalIgnoreCase);
    }
}

internal sealed record GatewayRequest(string? Name, string? Description, IReadOnlyList<string>? Apis);

internal sealed record GatewayResource(string Id, string? Name, string? Description, IReadOnlyList<string> Apis, long SnapshotRevision);

internal sealed record TokenRequest(string? KeyType, DateTimeOffset? Expiry);

internal sealed record TokenResponse(string Value, DateTimeOffset Expiry);

internal sealed record RegenerateKeyRequest(string? KeyType);
