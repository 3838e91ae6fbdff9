using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.Resources;
using ManagementPlane.State;

namespace ManagementPlane.Portal.Store;

/// <summary><c>POST /subscriptions/{id}/approve</c> and <c>/reject</c>: the admin's answer to a subscription a consumer asked for on a product with <c>approvalRequired</c>.</summary>
internal static class SubscriptionApprovalEndpoints
{
    public static RouteGroupBuilder MapSubscriptionApprovals(this RouteGroupBuilder admin)
    {
        admin.MapPost("/subscriptions/{id}/approve", (HttpContext c, StateStore s, string id) => DecideAsync(c, s, id, SubscriptionStates.Active))
            .Produces<SubscriptionResource>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409)
            .WithDescription("Activates a submitted subscription: its keys work at the gateways from the next revision.");
        admin.MapPost("/subscriptions/{id}/reject", (HttpContext c, StateStore s, string id) => DecideAsync(c, s, id, SubscriptionStates.Rejected))
            .Produces<SubscriptionResource>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409)
            .WithDescription("Rejects a submitted subscription.");
        return admin;
    }

    private static async Task<IResult> DecideAsync(HttpContext context, StateStore store, string id, string decision)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId("subscription", id);
        }

        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            if (state.Subscriptions.Find(s => Crud.SameId(s.Id, id)) is not { } subscription)
            {
                return StateError.NotFound($"no subscription with id '{id}'");
            }

            if (subscription.State != SubscriptionStates.Submitted)
            {
                return StateError.Conflict($"the subscription '{id}' is {subscription.State}; only a submitted subscription can be approved or rejected");
            }

            subscription.State = decision;
            mutation.Touch(Crud.Key("subscriptions", subscription.Id));
            return null;
        }, context.RequestAborted);
        if (outcome.Error is not null)
        {
            return Problems.For(outcome.Error);
        }

        var decided = outcome.State.Subscriptions.Find(s => Crud.SameId(s.Id, id))!;
        context.Response.Headers.ETag = Mutation.ETag(outcome.State, Crud.Key("subscriptions", id));
        return Results.Json(SubscriptionEndpoints.Show(decided), ApiJsonContext.Api.SubscriptionResource);
    }
}
