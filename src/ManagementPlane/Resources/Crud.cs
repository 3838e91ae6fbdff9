using System.Text.Json.Serialization.Metadata;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.State;

namespace ManagementPlane.Resources;

/// <summary>
/// The shared shape of every resource: read with an ETag, create-or-replace with If-Match / If-None-Match,
/// delete with If-Match. Each resource supplies only how to find, change and show its items.
/// </summary>
internal static class Crud
{
    public static string Key(string collection, string id) => $"{collection}/{id.ToLowerInvariant()}";

    public static bool SameId(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    public static async Task<IResult> GetAsync<TOut>(HttpContext context, StateStore store, string what, string id, string resource,
        Func<ManagementState, TOut?> find, JsonTypeInfo<TOut> type)
        where TOut : class
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(what, id);
        }

        var state = (await store.ReadAsync(context.RequestAborted)).State;
        if (find(state) is not { } item)
        {
            return Problems.NotFound($"no {what} with id '{id}'");
        }

        context.Response.Headers.ETag = Mutation.ETag(state, resource);
        return Results.Json(item, type);
    }

    public static async Task<IResult> ListAsync<TOut>(HttpContext context, StateStore store, Func<ManagementState, IEnumerable<TOut>> list, JsonTypeInfo<ResourceList<TOut>> type)
    {
        var state = (await store.ReadAsync(context.RequestAborted)).State;
        var items = list(state).ToList();
        return Results.Json(new ResourceList<TOut>(items, items.Count), type);
    }

    /// <summary>Create or replace. <paramref name="apply"/> gets the state, the mutation and whether the item exists; it returns an error to abort.</summary>
    public static async Task<IResult> PutAsync<TOut>(HttpContext context, StateStore store, string what, string id, string resource,
        Func<ManagementState, bool> exists, Func<ManagementState, Mutation, bool, StateError?> apply,
        Func<ManagementState, TOut> show, JsonTypeInfo<TOut> type)
    {
        var ifMatch = context.Request.Headers.IfMatch.ToString();
        var createOnly = context.Request.Headers.IfNoneMatch.ToString().Trim() == "*";
        var created = false;
        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            var found = exists(state);
            if (!Mutation.Matches(state, resource, ifMatch, found))
            {
                return found
                    ? StateError.PreconditionFailed($"the {what} '{id}' changed since it was read (If-Match {ifMatch}, current {Mutation.ETag(state, resource)}); read it again and retry")
                    : StateError.PreconditionFailed($"If-Match was given but no {what} '{id}' exists");
            }

            if (createOnly && found)
            {
                return StateError.PreconditionFailed($"the {what} '{id}' already exists (If-None-Match: *)");
            }

            created = !found;
            var error = apply(state, mutation, found);
            if (error is null)
            {
                mutation.Touch(resource);
            }

            return error;
        }, context.RequestAborted);

        if (outcome.Error is not null)
        {
            return Problems.For(outcome.Error);
        }

        context.Response.Headers.ETag = Mutation.ETag(outcome.State, resource);
        if (created)
        {
            context.Response.Headers.Location = context.Request.Path.ToString();
        }

        return Results.Json(show(outcome.State), type, statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    public static async Task<IResult> DeleteAsync(HttpContext context, StateStore store, string what, string id, string resource,
        Func<ManagementState, bool> exists, Action<ManagementState, Mutation> remove)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(what, id);
        }

        var ifMatch = context.Request.Headers.IfMatch.ToString();
        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            var found = exists(state);
            if (!found)
            {
                return StateError.NotFound($"no {what} with id '{id}'");
            }

            if (!Mutation.Matches(state, resource, ifMatch, found))
            {
                return StateError.PreconditionFailed($"the {what} '{id}' changed since it was read (current ETag {Mutation.ETag(state, resource)})");
            }

            mutation.ConflictOnInvalid = true;
            remove(state, mutation);
            mutation.Forget(resource);
            return null;
        }, context.RequestAborted);

        return outcome.Error is null ? Results.NoContent() : Problems.For(outcome.Error);
    }
}

/// <summary>A list answer, APIM-style: <c>{ "value": [...], "count": n }</c>.</summary>
internal sealed record ResourceList<T>(IReadOnlyList<T> Value, int Count);
