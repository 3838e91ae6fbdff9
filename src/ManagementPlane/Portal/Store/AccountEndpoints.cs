using ManagementPlane.Hosting;
using ManagementPlane.Resources;

namespace ManagementPlane.Portal.Store;

/// <summary><c>/accounts</c>: the portal's consumer accounts, for admins: list, create, approve, reject, disable, enable, delete.</summary>
internal static class AccountEndpoints
{
    private static readonly string[] States = [AccountStates.Pending, AccountStates.Active, AccountStates.Disabled, AccountStates.Rejected];

    public static RouteGroupBuilder MapAccounts(this RouteGroupBuilder admin)
    {
        admin.MapGet("/accounts", ListAsync).Produces<ResourceList<AccountResource>>().ProducesProblem(400)
            .WithDescription("The developer portal's accounts, oldest first; '?state=pending' lists those waiting for approval (pending, active, disabled, rejected).");
        admin.MapGet("/accounts/{id}", GetAsync).Produces<AccountResource>().ProducesProblem(400).ProducesProblem(404);
        admin.MapPost("/accounts", CreateAsync).Accepts<AccountRequest>("application/json")
            .Produces<AccountResource>(201).ProducesProblem(400).ProducesProblem(409)
            .WithDescription("Creates an active account (email, displayName, password of at least 8 characters) that can sign in to the portal at once.");
        MapChange(admin, "approve", "Lets a pending account sign in.", (l, s, id, ct) => s.ApproveAsync(id, ct));
        MapChange(admin, "reject", "Refuses a pending account's sign-up.", (l, s, id, ct) => s.RejectAsync(id, ct));
        MapChange(admin, "disable", "Ends the account's sessions and suspends every active subscription it owns (one state write: they stop working at the gateways with the next revision).",
            (l, s, id, ct) => l.DisableAsync(id, ct));
        MapChange(admin, "enable", "Re-activates a disabled account and the subscriptions its disable suspended.", (l, s, id, ct) => l.EnableAsync(id, ct));
        admin.MapDelete("/accounts/{id}", DeleteAsync).Produces(204).ProducesProblem(400).ProducesProblem(404)
            .WithDescription("Deletes the account and cancels every subscription it owns.");
        return admin;
    }

    private static void MapChange(RouteGroupBuilder admin, string verb, string description,
        Func<AccountLifecycle, PortalAccountStore, string, CancellationToken, Task<AccountChange>> change) =>
        admin.MapPost($"/accounts/{{id}}/{verb}", async (HttpContext context, AccountLifecycle lifecycle, PortalAccountStore accounts, string id) =>
                PortalAccountStore.IsValidId(id) ? Answer(await change(lifecycle, accounts, id, context.RequestAborted), id, verb) : InvalidId(id))
            .Produces<AccountResource>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409)
            .WithDescription(description);

    private static async Task<IResult> ListAsync(HttpContext context, PortalAccountStore accounts, string? state)
    {
        if (state is not null && !States.Contains(state, StringComparer.Ordinal))
        {
            return Problems.BadRequest($"'state' must be one of {string.Join(", ", States)}", [new ProblemError("state", "unknown account state")]);
        }

        var list = (await accounts.ListAsync(state, context.RequestAborted)).Select(AccountResource.From).ToList();
        return Results.Json(new ResourceList<AccountResource>(list, list.Count), PortalAdminJsonContext.Api.ResourceListAccountResource);
    }

    private static async Task<IResult> GetAsync(HttpContext context, PortalAccountStore accounts, string id)
    {
        if (!PortalAccountStore.IsValidId(id))
        {
            return InvalidId(id);
        }

        return await accounts.GetAsync(id, context.RequestAborted) is { } account
            ? Results.Json(AccountResource.From(account), PortalAdminJsonContext.Api.AccountResource)
            : Problems.NotFound($"no account with id '{id}'");
    }

    private static async Task<IResult> CreateAsync(HttpContext context, PortalAccountStore accounts)
    {
        var body = await RequestBody.ReadJsonAsync(context, PortalAdminJsonContext.Api.AccountRequest, context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }

        var request = body.Value!;
        var errors = new List<ProblemError>();
        AddError(errors, "email", AccountRules.CheckEmail(request.Email));
        AddError(errors, "displayName", AccountRules.CheckDisplayName(request.DisplayName));
        AddError(errors, "password", AccountRules.CheckPassword(request.Password));
        if (errors.Count > 0)
        {
            return Problems.BadRequest("the account is not valid; see errors", errors);
        }

        var result = await accounts.CreateActiveAsync(request.Email!, request.DisplayName!, request.Password!, context.RequestAborted);
        if (result.Account is not { } account)
        {
            return Problems.Conflict($"an account with the email '{request.Email!.Trim()}' exists already (id {accounts.IdFor(request.Email)})");
        }

        return Results.Json(AccountResource.From(account), PortalAdminJsonContext.Api.AccountResource, statusCode: StatusCodes.Status201Created)
            .WithLocation($"/accounts/{account.Id}");
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, AccountLifecycle lifecycle, string id)
    {
        if (!PortalAccountStore.IsValidId(id))
        {
            return InvalidId(id);
        }

        var change = await lifecycle.DeleteAsync(id, context.RequestAborted);
        return change.Outcome == AccountChangeOutcome.Done ? Results.NoContent() : Answer(change, id, "delete");
    }

    private static IResult Answer(AccountChange change, string id, string verb) => change.Outcome switch
    {
        AccountChangeOutcome.Done => Results.Json(AccountResource.From(change.Account!), PortalAdminJsonContext.Api.AccountResource),
        AccountChangeOutcome.NotFound => Problems.NotFound($"no account with id '{id}'"),
        AccountChangeOutcome.WrongState => Problems.Conflict($"the account '{id}' is {change.Account!.State}; {verb} applies only to {From(verb)} accounts"),
        _ => Problems.For(change.Error!),
    };

    private static string From(string verb) => verb switch
    {
        "disable" => "active",
        "enable" => "disabled",
        _ => "pending",
    };

    private static IResult InvalidId(string id) =>
        Problems.BadRequest($"'{(id.Length > 100 ? id[..100] + "…" : id)}' is not an account id (32 lower-case hex characters, as GET /accounts lists them)");

    private static void AddError(List<ProblemError> errors, string path, string? problem)
    {
        if (problem is not null)
        {
            errors.Add(new ProblemError(path, problem));
        }
    }
}
