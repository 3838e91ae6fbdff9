using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.State;

namespace ManagementPlane.Resources;

/// <summary>
/// <c>/subscriptions</c>: keys are generated with a CSPRNG (or given), stored encrypted plus hashed, and shown only
/// through <c>POST /subscriptions/{id}/list-secrets</c>, as in APIM.
/// </summary>
internal static class SubscriptionEndpoints
{
    private const string What = "subscription";

    public static RouteGroupBuilder MapSubscriptions(this RouteGroupBuilder admin)
    {
        admin.MapGet("/subscriptions", (HttpContext c, StateStore s) => Crud.ListAsync(c, s, st => st.Subscriptions.Select(Show), ApiJsonContext.Api.ResourceListSubscriptionResource))
            .Produces<ResourceList<SubscriptionResource>>();
        admin.MapGet("/subscriptions/{id}", (HttpContext c, StateStore s, string id) =>
                Crud.GetAsync(c, s, What, id, Crud.Key("subscriptions", id), st => Find(st, id) is { } sub ? Show(sub) : null, ApiJsonContext.Api.SubscriptionResource))
            .Produces<SubscriptionResource>().ProducesProblem(404);
        admin.MapPut("/subscriptions/{id}", PutAsync).Accepts<SubscriptionRequest>("application/json")
            .Produces<SubscriptionResource>().Produces<SubscriptionResource>(201).ProducesProblem(400).ProducesProblem(412);
        admin.MapDelete("/subscriptions/{id}", (HttpContext c, StateStore s, string id) =>
                Crud.DeleteAsync(c, s, What, id, Crud.Key("subscriptions", id), st => Find(st, id) is not null, (st, m) => st.Subscriptions.RemoveAll(x => Crud.SameId(x.Id, id))))
            .Produces(204).ProducesProblem(404).ProducesProblem(412);
        admin.MapPost("/subscriptions/{id}/regenerate-primary-key", (HttpContext c, StateStore s, SecretProtector p, string id) => RegenerateAsync(c, s, p, id, primary: true))
            .Produces(204).ProducesProblem(404);
        admin.MapPost("/subscriptions/{id}/regenerate-secondary-key", (HttpContext c, StateStore s, SecretProtector p, string id) => RegenerateAsync(c, s, p, id, primary: false))
            .Produces(204).ProducesProblem(404);
        admin.MapPost("/subscriptions/{id}/list-secrets", ListSecretsAsync).Produces<SubscriptionSecrets>().ProducesProblem(404);
        return admin;
    }

    private static StoredSubscription? Find(ManagementState state, string id) => state.Subscriptions.Find(s => Crud.SameId(s.Id, id));

    internal static SubscriptionResource Show(StoredSubscription s) => new(s.Id, s.Name, s.Scope, s.State, s.OwnerId);

    internal static string Purpose(string id, bool primary) => $"subscriptions/{id.ToLowerInvariant()}/{(primary ? "primary" : "secondary")}";

    /// <summary>Sets a key (given or new), encrypted and hashed; null clears it.</summary>
    internal static void SetKey(StoredSubscription subscription, SecretProtector protector, bool primary, string? key)
    {
        var protectedKey = key is null ? null : protector.Protect(key, Purpose(subscription.Id, primary));
        var hash = key is null ? null : SubscriptionKeyHash.Compute(key);
        if (primary)
        {
            subscription.PrimaryKeyProtected = protectedKey;
            subscription.PrimaryKeyHash = hash;
        }
        else
        {
            subscription.SecondaryKeyProtected = protectedKey;
            subscription.SecondaryKeyHash = hash;
        }
    }

    private static async Task<IResult> PutAsync(HttpContext context, StateStore store, SecretProtector protector, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var body = await RequestBody.ReadJsonAsync(context, ApiJsonContext.Api.SubscriptionRequest, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        var request = body.Value!;
        return await Crud.PutAsync(context, store, What, id, Crud.Key("subscriptions", id), s => Find(s, id) is not null,
            (state, mutation, exists) =>
            {
                var subscription = Find(state, id);
                if (subscription is null)
                {
                    if (request.Scope is null)
                    {
                        return StateError.Invalid($"'scope' is required: {SubscriptionScope.Forms}", [new ConfigError("scope", "required")]);
                    }

                    subscription = new StoredSubscription { Id = id };
                    state.Subscriptions.Add(subscription);
                    SetKey(subscription, protector, primary: true, request.PrimaryKey ?? SecretProtector.NewKey());
                    SetKey(subscription, protector, primary: false, request.SecondaryKey ?? SecretProtector.NewKey());
                }
                else
                {
                    if (request.PrimaryKey is not null)
                    {
                        SetKey(subscription, protector, primary: true, request.PrimaryKey);
                    }

                    if (request.SecondaryKey is not null)
                    {
                        SetKey(subscription, protector, primary: false, request.SecondaryKey);
                    }
                }

                subscription.Scope = request.Scope ?? subscription.Scope;
                subscription.Name = request.Name ?? subscription.Name;
                subscription.State = request.State ?? subscription.State;
                return null;
            },
            s => Show(Find(s, id)!), ApiJsonContext.Api.SubscriptionResource);
    }

    private static async Task<IResult> RegenerateAsync(HttpContext context, StateStore store, SecretProtector protector, string id, bool primary)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            if (Find(state, id) is not { } subscription)
            {
                return StateError.NotFound($"no subscription with id '{id}'");
            }

            SetKey(subscription, protector, primary, SecretProtector.NewKey());
            mutation.Touch(Crud.Key("subscriptions", id));
            return null;
        }, context.RequestAborted);
        return outcome.Error is null ? Results.NoContent() : Problems.For(outcome.Error);
    }

    private static async Task<IResult> ListSecretsAsync(HttpContext context, StateStore store, SecretProtector protector, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var state = (await store.ReadAsync(context.RequestAborted)).State;
        if (Find(state, id) is not { } s)
        {
            return Problems.NotFound($"no subscription with id '{id}'");
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new SubscriptionSecrets(protector.Unprotect(s.PrimaryKeyProtected, Purpose(s.Id, true)), protector.Unprotect(s.SecondaryKeyProtected, Purpose(s.Id, false))),
            ApiJsonContext.Api.SubscriptionSecrets);
    }
}

internal sealed record SubscriptionRequest(string? Name, string? Scope, string? State, string? PrimaryKey, string? SecondaryKey);

/// <summary><see cref="OwnerId"/>: the portal account that owns it (<c>GET /accounts/{id}</c>); absent for subscriptions an admin created.</summary>
internal sealed record SubscriptionResource(string Id, string? Name, string Scope, string State, string? OwnerId = null);

/// <summary>Null for a key that was only ever given as a hash (through <c>PUT /config</c>).</summary>
internal sealed record SubscriptionSecrets(string? PrimaryKey, string? SecondaryKey);
