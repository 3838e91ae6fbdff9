using EdgeGateway.Contracts.Policies;
using EdgeGateway.Contracts.Snapshot;
using EdgeGateway.Contracts.Validation;
using ManagementPlane.Hosting;
using ManagementPlane.PolicyXml;
using ManagementPlane.Snapshots;
using ManagementPlane.State;

namespace ManagementPlane.Resources;

/// <summary>
/// <c>/policy-fragments</c>: APIM's policy fragments, as JSON (<c>{ "description", "policies": [...] }</c>) or as
/// <c>&lt;fragment&gt;</c> XML. A fragment is checked where it is included (the state's validation runs on the expanded
/// policies), so a change that breaks an including scope is refused; deleting one still included is a conflict naming its users.
/// </summary>
internal static class PolicyFragmentEndpoints
{
    private const string What = "policy fragment";

    public static RouteGroupBuilder MapPolicyFragments(this RouteGroupBuilder admin)
    {
        admin.MapGet("/policy-fragments", (HttpContext c, StateStore s) => Crud.ListAsync(c, s, st => st.Fragments, ApiJsonContext.Api.ResourceListPolicyFragment))
            .Produces<ResourceList<PolicyFragment>>();
        admin.MapGet("/policy-fragments/{id}", GetAsync)
            .Produces<PolicyFragment>(200, PolicyDocuments.Json, PolicyDocuments.Xml, PolicyDocuments.RawXml).ProducesProblem(400).ProducesProblem(404);
        admin.MapPut("/policy-fragments/{id}", PutAsync)
            .Accepts<PolicyFragment>(PolicyDocuments.Json, PolicyDocuments.Xml, PolicyDocuments.RawXml)
            .Produces<PolicyFragment>(200, PolicyDocuments.Json, PolicyDocuments.Xml, PolicyDocuments.RawXml)
            .Produces<PolicyFragment>(201, PolicyDocuments.Json, PolicyDocuments.Xml, PolicyDocuments.RawXml)
            .ProducesProblem(400).ProducesProblem(412).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        admin.MapDelete("/policy-fragments/{id}", DeleteAsync).Produces(204).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        return admin;
    }

    private static string Key(string id) => Crud.Key("policy-fragments", id);

    private static PolicyFragment? Find(ManagementState state, string id) => state.Fragments.Find(f => Crud.SameId(f.Id, id));

    private static async Task<IResult> GetAsync(HttpContext context, StateStore store, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var state = (await store.ReadAsync(context.RequestAborted)).State;
        if (Find(state, id) is not { } fragment)
        {
            return Problems.NotFound($"no {What} with id '{id}'");
        }

        context.Response.Headers.ETag = Mutation.ETag(state, Key(id));
        return PolicyDocuments.Answer(context, fragment, ApiJsonContext.Api.PolicyFragment, (f, raw) => PolicyXmlWriter.WriteFragment(f.Policies ?? [], raw));
    }

    private static async Task<IResult> PutAsync(HttpContext context, StateStore store, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var body = await PolicyDocuments.ReadAsync(context, ApiJsonContext.Api.PolicyFragment, (text, raw, limit) =>
        {
            var read = PolicyXmlReader.ReadFragment(text, raw, limit);
            return new PolicyXmlResult<PolicyFragment>(read.Value is null ? null : new PolicyFragment { Policies = read.Value }, read.Errors, read.Positions);
        });
        if (body.Error is not null)
        {
            return body.Error;
        }

        var fromXml = body.Positions is not null;
        if (body.Value!.Id is { } bodyId && !Crud.SameId(bodyId, id))
        {
            return Problems.BadRequest($"the body's id '{bodyId}' differs from the URL's '{id}'", [new ProblemError("id", "must equal the id in the URL or be omitted")]);
        }

        var problems = Check(body.Value.Policies);
        if (problems.Count > 0)
        {
            return PolicyDocuments.Refused(StateError.Invalid("the fragment is not valid; nothing was stored", problems), body.Positions, prefix: null, fragment: null);
        }

        var ifMatch = context.Request.Headers.IfMatch.ToString();
        var createOnly = context.Request.Headers.IfNoneMatch.ToString().Trim() == "*";
        var created = false;
        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            var index = state.Fragments.FindIndex(f => Crud.SameId(f.Id, id));
            if (!Mutation.Matches(state, Key(id), ifMatch, index >= 0))
            {
                return StateError.PreconditionFailed($"the {What} '{id}' changed since it was read (If-Match {ifMatch}, current {Mutation.ETag(state, Key(id))}); read it again and retry");
            }

            if (createOnly && index >= 0)
            {
                return StateError.PreconditionFailed($"the {What} '{id}' already exists (If-None-Match: *)");
            }

            created = index < 0;
            // XML carries only the policies: a description set before is kept.
            var fragment = body.Value with
            {
                Id = created ? id : state.Fragments[index].Id,
                Description = fromXml && !created ? state.Fragments[index].Description : body.Value.Description,
            };
            if (created)
            {
                state.Fragments.Add(fragment);
            }
            else
            {
                state.Fragments[index] = fragment;
            }

            mutation.Touch(Key(id));
            return null;
        }, context.RequestAborted);

        if (outcome.Error is not null)
        {
            return PolicyDocuments.Refused(outcome.Error, body.Positions, prefix: null, fragment: id);
        }

        context.Response.Headers.ETag = Mutation.ETag(outcome.State, Key(id));
        if (created)
        {
            context.Response.Headers.Location = context.Request.Path.ToString();
        }

        return PolicyDocuments.Answer(context, Find(outcome.State, id)!, ApiJsonContext.Api.PolicyFragment,
            (f, raw) => PolicyXmlWriter.WriteFragment(f.Policies ?? [], raw), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, StateStore store, string id)
    {
        if (!SnapshotValidator.IsValidId(id))
        {
            return Problems.InvalidId(What, id);
        }

        var ifMatch = context.Request.Headers.IfMatch.ToString();
        var outcome = await store.UpdateAsync((state, mutation) =>
        {
            if (Find(state, id) is null)
            {
                return StateError.NotFound($"no {What} with id '{id}'");
            }

            if (!Mutation.Matches(state, Key(id), ifMatch, exists: true))
            {
                return StateError.PreconditionFailed($"the {What} '{id}' changed since it was read (current ETag {Mutation.ETag(state, Key(id))})");
            }

            var users = FragmentExpansion.UsersOf(state, id);
            if (users.Count > 0)
            {
                return StateError.Conflict($"the {What} '{id}' is included by {string.Join(", ", users)}; remove those include-fragment policies first",
                    [.. users.Select(u => new ConfigError(u, $"includes fragment '{id}'"))]);
            }

            state.Fragments.RemoveAll(f => Crud.SameId(f.Id, id));
            mutation.Forget(Key(id));
            return null;
        }, context.RequestAborted);

        return outcome.Error is null ? Results.NoContent() : Problems.For(outcome.Error);
    }

    /// <summary>What a fragment may hold, as APIM: policies of known types, no <c>base</c>, no other fragment.</summary>
    private static List<ConfigError> Check(IReadOnlyList<PolicyDefinition>? policies)
    {
        if (policies is null)
        {
            return [new ConfigError("policies", "required: the fragment's policies (an array)")];
        }

        var errors = new List<ConfigError>();
        for (var i = 0; i < policies.Count; i++)
        {
            var type = policies[i]?.Type;
            var problem = type switch
            {
                null or "" => "must be a policy object with a type",
                PolicyCatalog.Base => "'base' cannot stand in a fragment (it belongs to a scope's section)",
                PolicyXmlReader.IncludeFragment => "a fragment cannot include another fragment",
                _ when PolicyCatalog.AttributesOf(type) is null => $"unknown policy type '{type}'",
                _ => null,
            };
            if (problem is not null)
            {
                errors.Add(new ConfigError($"policies[{i}]", problem));
            }
        }

        return errors;
    }
}
