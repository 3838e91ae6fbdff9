using System.Globalization;
using ManagementPlane.Hosting;
using Microsoft.Extensions.Options;

namespace ManagementPlane.Portal.Store;

/// <summary><c>POST /invitations</c>: a single-use sign-up link, active at once, for one email or anyone holding it.</summary>
internal static class InvitationEndpoints
{
    public static RouteGroupBuilder MapInvitations(this RouteGroupBuilder admin)
    {
        admin.MapPost("/invitations", CreateAsync).Accepts<InvitationRequest>("application/json")
            .Produces<InvitationResource>(201).ProducesProblem(400)
            .WithDescription("Issues a single-use sign-up link (/portal/signup?invitation=<token>). Body (optional): 'email' (only that address may use it), 'expires' (a duration like 7.00:00:00 or an ISO 8601 time; default 7 days, at most 90). The token is shown only in this answer.");
        return admin;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, InvitationStore invitations, IOptions<ManagementOptions> options)
    {
        var bytes = await RequestBody.ReadBytesAsync(context, options.Value.MaxBodyBytes, context.RequestAborted);
        if (bytes.Error is not null)
        {
            return bytes.Error;
        }

        var request = new InvitationRequest(null, null);
        if (bytes.Value!.Length > 0)
        {
            var body = RequestBody.Parse(bytes.Value, PortalAdminJsonContext.Api.InvitationRequest);
            if (body.Error is not null)
            {
                return body.Error;
            }

            request = body.Value!;
        }

        if (request.Email is not null && AccountRules.CheckEmail(request.Email) is { } emailProblem)
        {
            return Problems.BadRequest(emailProblem, [new ProblemError("email", emailProblem)]);
        }

        var now = invitations.Now;
        if (ExpiresAt(request.Expires, now) is not { } expiresAt)
        {
            const string problem = "must be a duration (7.00:00:00) or an ISO 8601 time, in the future and at most 90 days away";
            return Problems.BadRequest("'expires' " + problem, [new ProblemError("expires", problem)]);
        }

        var issued = await invitations.CreateAsync(request.Email, expiresAt, context.RequestAborted);
        context.Response.Headers.CacheControl = "no-store";
        var resource = new InvitationResource(issued.Token, "/portal/signup?invitation=" + issued.Token, issued.ExpiresAt, request.Email?.Trim());
        return Results.Json(resource, PortalAdminJsonContext.Api.InvitationResource, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Null when <paramref name="expires"/> is unreadable, past, or further than <see cref="InvitationStore.MaxLifetime"/>.</summary>
    internal static DateTimeOffset? ExpiresAt(string? expires, DateTimeOffset now)
    {
        DateTimeOffset at;
        if (expires is null)
        {
            at = now + InvitationStore.DefaultLifetime;
        }
        else if (TimeSpan.TryParse(expires, CultureInfo.InvariantCulture, out var lifetime))
        {
            at = now + lifetime;
        }
        else if (!DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at))
        {
            return null;
        }

        return at > now && at - now <= InvitationStore.MaxLifetime ? at : null;
    }
}
