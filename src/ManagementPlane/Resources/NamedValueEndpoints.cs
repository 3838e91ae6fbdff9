using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.State;

namespace ManagementPlane.Resources;

/// <summary><c>/named-values</c>: secret ones are encrypted at rest and never returned by GET (only by <c>list-value</c>).</summary>
internal static class NamedValueEndpoints
{
    private const string What = "named value";

    public static RouteGroupBuilder MapNamedValues(this RouteGroupBuilder admin)
    {
        admin.MapGet("/named-values", (HttpContext c, StateStore s) => Crud.ListAsync(c, s, st => st.NamedValues.Select(Show), ApiJsonContext.Api.ResourceListNamedValueResource))
            .Produces<ResourceList<NamedValueResource>>();
        admin.MapGet("/named-values/{id}", (HttpContext c, StateStore s, string id) =>
                Crud.GetAsync(c, s, What, id, Crud.Key("named-values", id), st => Find(st, id) is { } nv ? Show(nv) : null, ApiJsonContext.Api.NamedValueResource))
            .Produces<NamedValueResource>().ProducesProblem(404);
        admin.MapPut("/named-values/{id}", PutAsync).Accepts<NamedValueRequest>("application/json")
            .Produces<NamedValueResource>().Produces<NamedValueResource>(201).ProducesProblem(400).ProducesProblem(412);
        admin.MapDelete("/named-values/{id}", (HttpContext c, StateStore s, string id) =>
                Crud.DeleteAsync(c, s, What, id, Crud.Key("named-values", id), st => Find(st, id) is not null, (st, m) => st.NamedValues.RemoveAll(n => Crud.SameId(n.Id, id))))
            .Produces(204).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        admin.MapPost("/named-values/{id}/list-value", ListValueAsync).Produces<NamedValueSecret>().ProducesProblem(404).ProducesProblem(409);
        return admin;
    }

    private static StoredNamedValue? Find(ManagementState state, string id) => state.NamedValues.Find(n => Crud.SameId(n.Id, id));

    private static NamedValueResource Show(StoredNamedValue nv) => new(nv.Id, nv.Secret ? null : nv.Value, nv.Secret);

    private static async Task<IResult> PutAsync(HttpContext context, StateStore store, SecretProtector protector, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Api.NamedValueRequest, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        var request = body.Value!;
        return await Crud.PutAsync(context, store, What, id, Crud.Key("named-values", id), s => Find(s, id) is not null,
            (state, mutation, exists) =>
            {
                var existing = Find(state, id);
                var secret = request.Secret ?? existing?.Secret ?? false;
                var value = request.Value ?? (existing is null ? null : existing.Secret ? protector.Unprotect(existing.ValueProtected, Purpose(existing.Id)) : existing.Value);
                if (value is null)
                {
                    return StateError.Invalid("'value' is required", [new ConfigError("value", "required")]);
                }

                var nv = existing ?? new StoredNamedValue { Id = id };
                if (existing is null)
                {
                    state.NamedValues.Add(nv);
                }

                nv.Secret = secret;
                nv.Value = secret ? null : value;
                // The validator never sees a secret's value (withheld, as in a snapshot), so check its content here.
                if (secret && value.Contains("{{", StringComparison.Ordinal))
                {
                    return StateError.Invalid("a named value must not reference another named value", [new ConfigError("value", "must not contain '{{'")]);
                }

                nv.ValueProtected = secret ? protector.Protect(value, Purpose(nv.Id)) : null;
                return null;
            },
            s => Show(Find(s, id)!), ApiJsonContext.Api.NamedValueResource);
    }

    private static async Task<IResult> ListValueAsync(HttpContext context, StateStore store, SecretProtector protector, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var state = (await store.ReadAsync(context.RequestAborted)).State;
        if (Find(state, id) is not { } nv)
        {
            return Problems.NotFound($"no named value with id '{id}'");
        }

        var value = nv.Secret ? protector.Unprotect(nv.ValueProtected, Purpose(nv.Id)) : nv.Value;
        return value is null
            ? Problems.Conflict($"the stored value of named value '{nv.Id}' cannot be decrypted (damaged in the store, or written under another Management:EncryptionKey): set it again (PUT /named-values/{nv.Id})")
            : Results.Json(new NamedValueSecret(value), ApiJsonContext.Api.NamedValueSecret);
    }

    private static string Purpose(string id) => StoredNamedValue.SecretPurpose(id);
}

internal sealed record NamedValueRequest(string? Value, bool? Secret);

internal sealed record NamedValueResource(string Id, string? Value, bool Secret);

internal sealed record NamedValueSecret(string? Value);
